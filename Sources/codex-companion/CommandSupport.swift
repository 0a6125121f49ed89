import ArgumentParser
import Foundation
import Logging

/// Shared behaviour of the subcommands: logging set-up and turning user errors into a short message
/// and exit code 1 instead of a stack of internal detail.
enum CommandSupport {
    private static let bootstrap: Void = {
        let level = ProcessInfo.processInfo.environment["CODEX_COMPANION_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()

    static func run(_ body: () async throws -> Void) async throws {
        _ = bootstrap
        do {
            try await body()
        } catch let error as UserFacingError {
            Terminal.error(error.description)
            throw ExitCode(1)
        }
    }
}
