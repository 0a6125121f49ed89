import ArgumentParser
import CompanionApp
import Foundation
import Logging

/// Shared behaviour of the subcommands: logging set-up and turning user errors into a short message
/// and exit code 1 instead of a stack of internal detail.
enum CommandSupport {
    /// Logs go to stderr; CODEX_COMPANION_LOG_LEVEL overrides the command's default level.
    private static func bootstrapLogging(_ defaultLevel: Logger.Level) {
        let level = ProcessInfo.processInfo.environment["CODEX_COMPANION_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? defaultLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func run(defaultLogLevel: Logger.Level = .warning, _ body: () async throws -> Void) async throws {
        bootstrapLogging(defaultLogLevel)
        do {
            try await body()
        } catch let error as UserFacingError {
            Terminal.error(error.description)
            throw ExitCode(1)
        }
    }
}
