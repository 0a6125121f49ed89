import CodexAdapter
import CompanionCore
import Foundation
import Store
import Synchronization
import TestSupport

/// A real task service: the real codex binary against the workspace's fake Responses server, a real
/// SQLite file, and the task service's own job loop running beside the test.
struct BridgeHarness {
    let workspace: CodexWorkspace
    let database: AppDatabase
    let bridge: CodexBridge
    let sessions: RolloutIndex

    init(workspace: CodexWorkspace, binary: String) throws {
        self.workspace = workspace
        database = try AppDatabase(path: workspace.stateDirectory + "/companion.sqlite")
        sessions = RolloutIndex(codexHome: workspace.codexHome, index: database)
        let runner = CodexProcessRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment)
        bridge = CodexBridge(runner: runner, sessions: sessions, store: database)
    }

    /// A task service as one `codex-companion run` process has it.
    func makeService() -> TaskService {
        TaskService(
            settings: .init(ownerPID: ProcessInfo.processInfo.processIdentifier), bridge: bridge, store: database,
            reaper: OrphanReaper())
    }

    /// Submits a task from the CLI and returns its report, every Codex event seen and the session it started in.
    func run(_ project: Project, _ prompt: String, mode: TaskMode) async throws -> (TaskReport, [CodexEvent], SessionNote?) {
        let service = makeService()
        let events = service.subscribe()
        let jobs = Task { await service.run() }
        defer { jobs.cancel() }
        let answer = await service.submit(TaskRequest(project: project, prompt: prompt, mode: mode, requester: .cli))
        guard case .started(let taskID) = answer else { throw NotStarted(answer: answer) }
        var seen: [CodexEvent] = []
        var note: SessionNote?
        for await event in events where event.taskID == taskID {
            switch event {
            case .started(let task): note = task.session
            case .progressed(_, let codexEvent): seen.append(codexEvent)
            case .finished(let report):
                await service.shutdown()
                await jobs.value
                return (report, seen, note)
            case .queued, .notRun, .approvalRequested, .approvalResolved, .waitingForSession, .deskTurnEnded: break
            }
        }
        throw NotStarted(answer: answer)
    }

    struct NotStarted: Error {
        var answer: SubmitAnswer
    }
}

/// Runs `body` with a fresh workspace and the codex binary, and always cleans up.
func withCodexWorkspace(_ body: (CodexWorkspace, String) async throws -> Void) async throws {
    let binary = try TestCodex.requireBinary()
    try await withWorkspace { workspace in try await body(workspace, binary) }
}
