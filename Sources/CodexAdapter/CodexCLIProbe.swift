import CompanionCore
import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Asks the installed codex about itself, for `doctor`: its version, and whether it can reach a model
/// (logged in, or configured with a provider of its own that needs no login).
public struct CodexCLIProbe: Sendable {
    public enum Login: Sendable, Equatable {
        case loggedIn(String)
        case notLoggedIn
        /// `model_provider` in config.toml names a provider other than OpenAI's; `codex login` does not apply.
        case customProvider(String)
        case unknown(String)
    }

    public var binaryPath: String
    public var codexHome: String

    public init(binaryPath: String, codexHome: String) {
        self.binaryPath = binaryPath
        self.codexHome = codexHome
    }

    public func version() async -> String? {
        guard let result = await run(["--version"]), result.succeeded else { return nil }
        return result.stdout
    }

    public func loginStatus() async -> Login {
        if let provider = Self.configuredProvider(configToml: codexHome + "/config.toml"), provider != "openai" {
            return .customProvider(provider)
        }
        guard let result = await run(["login", "status"]) else { return .unknown("`codex login status` could not be run") }
        if result.succeeded { return .loggedIn(result.stdout.isEmpty ? result.output : result.stdout) }
        if result.output.localizedCaseInsensitiveContains("not logged in") { return .notLoggedIn }
        return .unknown(result.output)
    }

    /// The top-level `model_provider = "…"` of Codex's config.toml, if any (tables come after top-level keys).
    static func configuredProvider(configToml path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") { return nil }
            guard trimmed.hasPrefix("model_provider"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            guard key == "model_provider" else { continue }
            return trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return nil
    }

    /// Runs codex; `output` is stdout and stderr together (Codex prints status on either).
    private func run(_ arguments: [String]) async -> (succeeded: Bool, stdout: String, output: String)? {
        let result = try? await Subprocess.run(
            .path(FilePath(binaryPath)), arguments: Arguments(arguments),
            environment: CodexChild.environment(CodexChild.defaultEnvironment, codexHome: codexHome),
            input: .none, output: .string(limit: 64 << 10), error: .string(limit: 64 << 10))
        guard let result else { return nil }
        let stdout = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let output = (stdout + "\n" + result.standardError).trimmingCharacters(in: .whitespacesAndNewlines)
        return (result.terminationStatus.isSuccess, stdout, output)
    }
}
