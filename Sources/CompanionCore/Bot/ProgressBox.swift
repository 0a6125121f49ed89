import Synchronization

/// The live progress of one run, shared between the event callback and the edit loop.
final class ProgressBox: Sendable {
    private struct Content {
        var messageID: Int64?
        var state: ProgressState?
        var changed = false
    }

    private let content = Mutex(Content())

    /// The run starts with this state; its message is not posted yet.
    func begin(_ state: ProgressState) {
        content.withLock { $0 = Content(messageID: nil, state: state, changed: false) }
    }

    /// The progress message is posted: edits can begin (with whatever changed meanwhile).
    func attach(_ messageID: Int64?) {
        content.withLock { $0.messageID = messageID }
    }

    func apply(_ event: CodexEvent, repoPath: String) {
        content.withLock { content in
            guard var state = content.state else { return }
            let before = state
            state.apply(event, repoPath: repoPath)
            content.state = state
            if state != before { content.changed = true }
        }
    }

    /// The message and newest state, if the state changed since the last call.
    func takeChanged() -> (Int64, ProgressState)? {
        content.withLock { content in
            guard content.changed, let id = content.messageID, let state = content.state else { return nil }
            content.changed = false
            return (id, state)
        }
    }

    func markChanged() {
        content.withLock { $0.changed = true }
    }

    var messageID: Int64? { content.withLock { $0.messageID } }
    var steps: Int { content.withLock { $0.state?.steps ?? 0 } }
}
