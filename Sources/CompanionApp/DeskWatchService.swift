import CodexAdapter
import CompanionCore
import Foundation
import Logging
import ServiceLifecycle

/// Follows the desk while Codex's daemon runs, and tells the chats bound to a project when a turn ran
/// there at the terminal (`DeskWatcher`). The daemon comes and goes with the user's terminal: without it,
/// one look for its socket every few seconds.
struct DeskWatchService: Service {
    let watcher: DeskWatcher
    let socketPath: String
    let projects: [Project]
    let chats: any ChatStateStoring
    let tasks: TaskService
    var clock: any TaskClock = SystemClock()
    var lookAgain: Duration = .seconds(5)
    /// Told of each thread the watcher follows from now on.
    let onFollow: @Sendable (String) -> Void
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if FileManager.default.fileExists(atPath: socketPath) {
                    await watcher.follow { event in await handle(event) }
                }
                try? await clock.sleep(for: lookAgain)
            }
        }
    }

    private func handle(_ event: DeskWatcher.Event) async {
        if case .following(let thread, _) = event { onFollow(thread) }
        guard case .turnEnded(let turn) = event,
            let project = projects.first(where: { DeskWatcher.resolved($0.repoPath) == turn.repoPath })
        else { return }
        do {
            let bound = try await chats.chats(withActiveProject: project.name)
            tasks.reportDeskTurn(turn.report(project: project), to: bound)
        } catch {
            logger.error("reading the chats of a project failed", metadata: ["project": "\(project.name)", "error": "\(error)"])
        }
    }
}
