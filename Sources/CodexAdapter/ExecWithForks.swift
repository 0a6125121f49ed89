import CompanionCore

/// The exec engine, with forks: `codex exec` cannot fork a session, so a turn in a fork
/// (`CodexRunRequest.forkThreadID`) runs on the app-server engine, which can (`thread/fork`); every
/// other turn runs on `codex exec` as configured.
public struct ExecWithForks: CodexRunning {
    private let exec: CodexProcessRunner
    private let forks: AppServerRunner

    public init(_ exec: CodexProcessRunner, forkingWith forks: AppServerRunner) {
        self.exec = exec
        self.forks = forks
    }

    public func currentWay() async -> String? {
        await exec.currentWay()
    }

    public func run(
        _ request: CodexRunRequest, control: RunControl?,
        onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        let engine: any CodexRunning = request.forkThreadID == nil ? exec : forks
        return try await engine.run(request, control: control, onProcessStarted: onProcessStarted, onEvent: onEvent)
    }
}
