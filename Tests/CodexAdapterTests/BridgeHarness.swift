import CodexAdapter
import CompanionCore
import Foundation
import Store
import Synchronization
import TestSupport

/// A real bridge: the real codex binary against the workspace's fake Responses server, a real SQLite file.
struct BridgeHarness {
    let workspace: CodexWorkspace
    let database: AppDatabase
    let bridge: CodexBridge
    let sessions: RolloutIndex

    init(workspace: CodexWorkspace, binary: String) throws {
        self.workspace = workspace
        database = try AppDatabase(path: workspace.stateDirectory + "/companion.sqlite")
        sessions = RolloutIndex(codexHome: workspace.codexHome, index: database)
        let runner = CodexProcessRunner(binaryPath: binary, codexHome: workspace.codexHome)
        bridge = CodexBridge(runner: runner, sessions: sessions, store: database,
                             activityLog: ActivityLogFile(directory: workspace.stateDirectory))
    }

    /// Runs a turn and returns its report with every event seen and the session note announced.
    func run(_ project: Project, _ prompt: String, mode: TaskMode) async throws -> (TaskReport, [CodexEvent], SessionNote?) {
        let events = Mutex<[CodexEvent]>([])
        let note = Mutex<SessionNote?>(nil)
        let report = try await bridge.run(
            BridgeRequest(project: project, prompt: prompt, mode: mode, requester: "cli"),
            onSessionChosen: { chosen in note.withLock { $0 = chosen } },
            onEvent: { event in events.withLock { $0.append(event) } })
        return (report, events.withLock { $0 }, note.withLock { $0 })
    }
}

/// Runs `body` with a fresh workspace and the codex binary, and always cleans up.
func withCodexWorkspace(_ body: (CodexWorkspace, String) async throws -> Void) async throws {
    let binary = try TestCodex.requireBinary()
    try await withWorkspace { workspace in try await body(workspace, binary) }
}
