import CompanionApp
import CompanionCore
import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The last step of `init`: proves that what was written works, the way the daemon will read it. The
/// config is loaded back through `CompanionContext.load` (the loader every command uses), `doctor`'s
/// checks run and are printed, and the user gets the exact commands that start the bot and keep it
/// running. In a terminal `init` offers to install the service at once, by running this same executable's
/// `service install`, so there is one way a service gets installed.
struct InitFinish {
    var configPath: String
    var environment: UserEnvironment
    var interactive: Bool

    func run() async throws {
        let context: CompanionContext
        do {
            context = try CompanionContext.load(configPath: configPath, environment: environment, warn: Terminal.warn)
        } catch let error as UserFacingError {
            throw UserFacingError("The config just written does not load: \(error.description)")
        }
        let users = context.config.telegram?.allowedUserIDs.count ?? 0
        Terminal.out("✓ The config loads: \(context.config.projects.count) project(s), \(users) allowed Telegram user(s)")

        Terminal.out("\nChecks (the same as `codex-companion doctor`):")
        let findings = await Doctor(context: context).run()
        for finding in findings {
            Terminal.out("\(finding.level.mark) \(finding.text)")
        }
        let config = Self.shellQuoted(configPath)
        if findings.contains(where: { $0.level == .problem }) {
            Terminal.out("Fix what is marked ✗, then check again with: codex-companion doctor --config \(config)")
        }

        Terminal.out("\nStart the bot:\n  codex-companion serve --config \(config)")
        Terminal.out("Or keep it running as a user service (starts at login, restarts on failure):")
        Terminal.out("  codex-companion service install --config \(config)")
        let executable = Self.executablePath
        if !isOnPath(executable) {
            Terminal.out("(codex-companion is not on your PATH; the one that ran this is \(executable))")
        }
        if interactive, await SetupPrompt.confirm("Install the service now?", default: false) {
            try await installService(executable: executable)
        }
    }

    /// Runs `<this executable> service install --config <path>` with this terminal's output.
    private func installService(executable: String) async throws {
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: ["service", "install", "--config", configPath],
            input: .none, output: .currentStandardOutput, error: .currentStandardError)
        guard result.terminationStatus.isSuccess else {
            throw UserFacingError(
                "The service was not installed (see above). The config is written; try again with "
                    + "`codex-companion service install --config \(Self.shellQuoted(configPath))`.")
        }
    }

    /// True when `codex-companion` on the user's PATH is a file, so the printed commands work as typed.
    private func isOnPath(_ executable: String) -> Bool {
        (environment.variables["PATH"] ?? "").split(separator: ":").contains { folder in
            FileManager.default.isExecutableFile(atPath: "\(folder)/codex-companion")
        }
    }

    /// This process's executable, symbolic links resolved: what the service must run.
    static var executablePath: String {
        let path = Bundle.main.executablePath ?? CommandLine.arguments[0]
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// `text` as a shell reads it back: as is when it holds only safe characters, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+@%=:,~")
        if !text.isEmpty, text.unicodeScalars.allSatisfy(safe.contains) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
