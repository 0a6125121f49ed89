import Foundation
import Subprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the built `codex-companion` executable as a user would, and captures what it prints.
public enum CompanionProcess {
    public struct Output: Sendable {
        public var exitCode: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The folder holding the built products (the test bundle sits beside the executable).
    public static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    public static var executablePath: String {
        productsDirectory.appendingPathComponent("codex-companion").path
    }

    /// Runs `codex-companion serve` while `body` interacts with it; `body` ends it with a signal.
    /// Returns the body's value and how the process ended.
    public static func serve<T: Sendable>(
        config: String, token: String, environment: [String: String] = [:],
        _ body: @escaping @Sendable (ServeHandle) async throws -> T
    ) async throws -> (value: T, output: Output) {
        var updates: [Environment.Key: String?] = ["TELEGRAM_BOT_TOKEN": token, "CODEX_COMPANION_POLL_TIMEOUT": "2"]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .path(FilePath(executablePath)), arguments: ["serve", "--config", config],
            environment: .inherit.updating(updates),
            input: .none, output: .string(limit: 4 << 20), error: .string(limit: 4 << 20)
        ) { execution in
            try await body(ServeHandle(pid: execution.processIdentifier.value))
        }
        let code: Int32
        switch result.terminationStatus {
        case .exited(let value): code = value
        case .signaled(let signal): code = 128 + signal
        }
        return (result.closureResult, Output(exitCode: code, stdout: result.standardOutput, stderr: result.standardError))
    }

    /// Runs the executable (or `program`, e.g. a shell that runs it as a user would) with `arguments`.
    public static func run(_ arguments: [String], environment: [String: String] = [:], program: String? = nil) async throws -> Output {
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .path(FilePath(program ?? executablePath)), arguments: Arguments(arguments),
            environment: .inherit.updating(updates),
            output: .string(limit: 16 << 20), error: .string(limit: 16 << 20))
        let code: Int32
        switch result.terminationStatus {
        case .exited(let value): code = value
        case .signaled(let signal): code = 128 + signal
        }
        return Output(exitCode: code, stdout: result.standardOutput, stderr: result.standardError)
    }
}

/// The running daemon, as a test sees it: a process to signal.
public struct ServeHandle: Sendable {
    public let pid: pid_t

    public func send(signal: Signal) throws {
        guard kill(pid, signal.rawValue) == 0 else { throw TestSupportError("cannot signal \(pid)") }
    }
}
