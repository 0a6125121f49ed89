/// How a command ended, as the audit trail records it.
public enum CommandOutcome: String, Sendable, Equatable {
    /// Answered (a quick command), or a task that ran to its end.
    case ok
    /// A task started at once.
    case started
    /// A task waits in the queue.
    case queued
    /// The next part of a long message Telegram split, joined to the prompt before it.
    case joined
    /// A long prompt that waits briefly for its next part.
    case waitingForParts = "waiting-for-parts"
    /// Not done, and the user was told why (unknown project, empty prompt, busy…).
    case refused
    /// A message too old to run.
    case stale
    /// Something broke (a database error, Codex failing); the user was told.
    case failed
    /// From someone not on the allowlist.
    case unauthorised
    /// Deliberately not acted on (an edited message).
    case ignored
    /// Text added to the running task (app-server steering).
    case steered
    /// An approval request that waits for a person.
    case waiting
    /// An approval request a person approved.
    case approved
    /// An approval request a person denied, or a tap that stopped the task.
    case denied
    /// An approval request nobody answered in time: declined.
    case timedOut = "timed-out"
    /// An approval request whose turn ended (or task stopped) first, or a tap on such a request.
    case expired
    /// A desk turn's approval request somebody answered at the terminal first.
    case answeredAtTheDesk = "answered-at-the-desk"

    /// Whether the command did what was asked: the activity log's ok/failed.
    public var succeeded: Bool {
        switch self {
        case .ok, .started, .queued, .joined, .waitingForParts, .steered, .waiting, .approved, .denied, .answeredAtTheDesk: true
        case .refused, .stale, .failed, .unauthorised, .ignored, .timedOut, .expired: false
        }
    }
}
