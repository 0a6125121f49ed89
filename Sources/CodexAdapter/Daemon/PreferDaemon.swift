import CompanionCore
import Foundation

/// Runs each turn through Codex's daemon when one answers on its socket, else through `fallback` (the
/// configured engine). Decided per turn, by trying the socket: the daemon comes and goes with the user's
/// terminal, and a version string says nothing about whether it runs now.
public struct PreferDaemon: CodexRunning {
    private let daemon: DaemonRunner
    private let fallback: any CodexRunning

    public init(_ daemon: DaemonRunner, otherwise fallback: any CodexRunning) {
        self.daemon = daemon
        self.fallback = fallback
    }

    /// Asks the daemon (a few milliseconds): it comes and goes with the user's terminal.
    public func currentWay() async -> String? {
        switch await DaemonProbe.status(socketPath: daemon.socketPath, limit: daemon.answerLimit) {
        case .running(let userAgent):
            let version = DaemonProbe.version(inUserAgent: userAgent).map { " (Codex \($0))" } ?? ""
            return "through Codex's daemon\(version), in the same live session as the terminal"
        case .notRunning:
            let fallback = await fallback.currentWay() ?? "the configured engine"
            return "\(fallback) (Codex's daemon is not running)"
        }
    }

    public func run(
        _ request: CodexRunRequest, control: RunControl?,
        onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        // No socket file: no daemon (older Codex, or none started yet); no need to try.
        if FileManager.default.fileExists(atPath: daemon.socketPath) {
            do {
                return try await daemon.run(request, control: control, onProcessStarted: onProcessStarted, onEvent: onEvent)
            } catch is DaemonUnavailable {
                // A socket left behind by a daemon that is gone: the configured engine runs the turn.
            }
        }
        return try await fallback.run(request, control: control, onProcessStarted: onProcessStarted, onEvent: onEvent)
    }
}
