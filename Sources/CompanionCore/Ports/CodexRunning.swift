/// Runs Codex turns. The real implementation starts `codex exec --json`; tests may use the real one too.
public protocol CodexRunning: Sendable {
    /// Runs one turn in `request.repoPath`, calling `onEvent` for each event as it arrives, and returns
    /// when the process has exited. When `control` is asked to stop, Codex is interrupted (SIGINT, then
    /// SIGKILL after a grace period) and the result holds what the turn did until then.
    /// Throws `CodexLaunchError` when Codex cannot be started at all.
    /// `onProcessStarted` receives Codex's process id once it runs, so a crash can be cleaned up after.
    func run(
        _ request: CodexRunRequest, control: RunControl?,
        onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult

    /// Which way turns run now, in a few words for `/status` ("through Codex's daemon (Codex 0.163.0)…");
    /// nil when there is nothing worth saying.
    func currentWay() async -> String?
}

extension CodexRunning {
    public func currentWay() async -> String? { nil }

    public func run(
        _ request: CodexRunRequest, control: RunControl? = nil,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        try await run(request, control: control, onProcessStarted: { _ in }, onEvent: onEvent)
    }
}

/// Codex could not be started; the message is meant for the user.
public struct CodexLaunchError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
