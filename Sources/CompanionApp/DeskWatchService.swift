import CodexAdapter
import CompanionCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Follows the desk while Codex's daemon runs (`DeskWatcher`): the chats bound to a project (that did not
/// turn desk notices off) hear when a turn ended there at the terminal, and are asked its approval
/// requests. The daemon comes and goes with the user's terminal: without it, a look every few seconds
/// for its socket and at the session files (`DeskFileWatcher`), which tell the end of a desk turn.
struct DeskWatchService: Service {
    let watcher: DeskWatcher
    let files: DeskFileWatcher
    let socketPath: String
    let projects: [Project]
    let chats: any ChatStateStoring
    let tasks: TaskService
    var clock: any TaskClock = SystemClock()
    var lookAgain: Duration = .seconds(5)
    /// After a connection ended: short, as the daemon restarts, but never a tight loop of connections.
    var reconnectPause: Duration = .milliseconds(500)
    /// Told of everything the watcher sees, once it is handled (tests wait on it).
    let onEvent: @Sendable (DeskWatcher.Event) -> Void
    let logger: Logger

    func run() async throws {
        let ours = CompanionTurns()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                let events = tasks.subscribe()
                group.addTask { for await event in events { ours.note(event, projects: projects) } }
                while !Task.isCancelled {
                    var followed = false
                    if FileManager.default.fileExists(atPath: socketPath) {
                        followed = await watcher.follow { event in
                            await handle(event)
                        } onApproval: { approval in
                            await ask(approval)
                        }
                        if followed { files.startOver() }
                    }
                    tasks.desk.watching(.sessionFiles)
                    for turn in files.look(skipping: ours.take()) { await handle(.turnEnded(turn)) }
                    // What ended until now was told from the files: the daemon's next connection reads
                    // back only what ends after.
                    watcher.toldUntilNow()
                    await handle(.filesLookedAt)
                    // A connection that ended (the daemon restarted, as the terminal UI makes it do) is
                    // tried again soon; without a daemon, a look every few seconds.
                    try? await clock.sleep(for: followed ? reconnectPause : lookAgain)
                }
                group.cancelAll()
            }
        }
    }

    private func handle(_ event: DeskWatcher.Event) async {
        switch event {
        case .connected:
            tasks.desk.watching(.daemon)
        case .following, .filesLookedAt:
            break
        case .threadClosed(let thread):
            tasks.desk.ended(threadID: thread)
        case .turnProgressed(let progress):
            if let project = project(at: progress.repoPath) { tasks.noteDeskTurn(progress, project: project) }
        case .turnEnded(let turn):
            guard let project = project(at: turn.repoPath) else { break }
            tasks.reportDeskTurn(turn, project: project, to: await listeners(of: project))
        }
        onEvent(event)
    }

    /// A desk request goes to the clients (the dashboard always, the listening chats) after the grace.
    private func ask(_ approval: DeskApproval) async -> ApprovalDecision? {
        guard let project = project(at: approval.repoPath) else { return nil }
        return await tasks.askFromDesk(approval, project: project, chats: await listeners(of: project))
    }

    private func project(at repoPath: String) -> Project? {
        projects.first { DeskWatcher.resolved($0.repoPath) == repoPath }
    }

    /// The chats that hear of the project's desk turns; none when the store cannot say (logged).
    private func listeners(of project: Project) async -> [Int64] {
        do {
            return try await chats.chatsHearingTheDesk(of: project.name)
        } catch {
            logger.error("reading the chats of a project failed", metadata: ["project": "\(project.name)", "error": "\(error)"])
            return []
        }
    }
}

/// The repositories where the companion ran turns of its own since the session files were last looked
/// at: what their files gained then may be the companion's own turns, not the desk's.
final class CompanionTurns: Sendable {
    private struct State {
        var running: [String: Int] = [:]
        var touched: Set<String> = []
    }

    private let state = Mutex(State())

    func note(_ event: TaskEvent, projects: [Project]) {
        let started: Bool
        let project: Project
        switch event {
        case .started(let task):
            (started, project) = (true, task.request.project)
        case .finished(let report):
            (started, project) = (false, report.project)
        default:
            return
        }
        let repo = DeskWatcher.resolved(project.repoPath)
        state.withLock { state in
            state.running[repo, default: 0] += started ? 1 : -1
            if state.running[repo] ?? 0 <= 0 { state.running[repo] = nil }
            state.touched.insert(repo)
        }
    }

    /// Those running now and those that ran since the last call.
    func take() -> Set<String> {
        state.withLock { state in
            defer { state.touched = [] }
            return state.touched.union(state.running.keys)
        }
    }
}
