import CompanionCore
import Foundation
import PortFakes
import Testing

/// The bridge records Codex's process with its start time, and recovery asks to stop only that process.
@Suite struct CodexProcessRecordTests {
    @Test func theBridgeRecordsWhenCodexStarted() async throws {
        let store = InMemoryTaskStore()
        let id = try await store.queueTask(
            NewTask(requester: .cli, project: "alpha", prompt: "work", mode: .new, askedAt: Date(), ownerPID: 1))
        try await store.markTaskRunning(id: id, session: .new, startedAt: Date(), ownerPID: 1)
        let bridge = CodexBridge(runner: StartingRunner(), sessions: FakeSessions(), store: store, processes: FakeReaper())
        _ = await bridge.run(
            taskID: id,
            request: TaskRequest(project: Project(name: "alpha", repoPath: "/r"), prompt: "work", mode: .new, requester: .cli),
            session: .new, startedAt: Date(), control: RunControl(), onEvent: { _ in })
        #expect(store.task(id)?.codexPID == 4321)
        #expect(store.task(id)?.codexStartedAt == ProcessStartTime(rawValue: "started-4321"))
    }
}

/// A Codex that starts as process 4321 and ends its turn at once.
private struct StartingRunner: CodexRunning {
    func run(
        _ request: CodexRunRequest, control: RunControl?, onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        await onProcessStarted(4321)
        var turn = TurnRecord()
        turn.apply(.turnCompleted(usage: .zero))
        return CodexRunResult(exitCode: 0, startedAt: Date(), endedAt: Date(), turn: turn, stdoutTail: "", stderrTail: "")
    }
}
