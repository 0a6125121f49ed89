import CompanionCore
import Foundation
import Synchronization

/// The live state of one task's progress message, shared by the presenter's event loop (which folds
/// Codex events in) and the task's follower (which edits the message and delivers the result).
final class LiveProgress: Sendable {
    private struct Content {
        var state: ProgressState
        var changed = false
    }

    /// How the follower's wait ends.
    enum Ending: Sendable {
        case finished(TaskReport)
        /// The event stream ended first (the daemon is stopping without a result).
        case abandoned
    }

    let task: StartedTask
    let repoPath: String
    private let content: Mutex<Content>
    private let ending = OneShot<Ending>()

    init(task: StartedTask) {
        self.task = task
        repoPath = task.request.project.repoPath
        content = Mutex(
            Content(
                state: ProgressState(
                    project: task.request.project.name, session: task.session,
                    startedAt: task.startedAt)))
    }

    var state: ProgressState { content.withLock { $0.state } }
    var steps: Int { content.withLock { $0.state.steps } }

    func apply(_ event: CodexEvent) {
        content.withLock { content in
            let before = content.state
            content.state.apply(event, repoPath: repoPath)
            if content.state != before { content.changed = true }
        }
    }

    /// The task waits for its session, busy in another Codex process.
    func waitForSession() {
        content.withLock { content in
            let before = content.state
            content.state.waitForSession()
            if content.state != before { content.changed = true }
        }
    }

    /// An approval request waits (what for), or none does any more (nil).
    func setWaiting(_ what: String?) {
        content.withLock { content in
            guard content.state.waitingFor != what else { return }
            content.state.setWaiting(what)
            content.changed = true
        }
    }

    /// The newest state, if it changed since the last call.
    func takeChanged() -> ProgressState? {
        content.withLock { content in
            guard content.changed else { return nil }
            content.changed = false
            return content.state
        }
    }

    /// The edit did not show: the newest state goes out next time.
    func markChanged() {
        content.withLock { $0.changed = true }
    }

    func end(_ ending: Ending) {
        self.ending.fulfil(ending)
    }

    /// Returns once the task finished (or the events ended, or the waiting task was cancelled).
    func waitForEnd() async -> Ending {
        await ending.wait() ?? .abandoned
    }
}
