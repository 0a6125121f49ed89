/// What Codex asks permission for, in the core's terms. The app-server engine builds it from
/// `item/commandExecution/requestApproval` or `item/fileChange/requestApproval`; `exec` never asks.
public struct ApprovalRequest: Sendable, Equatable {
    /// The action that waits for an answer.
    public enum Action: Sendable, Equatable {
        /// Run a command (as Codex shows it) in a working directory.
        case command(command: String, cwd: String?)
        /// Change files; `diff` is the patch Codex proposed, when it sent one.
        case fileChange(changes: [FileChange], diff: String?)
    }

    /// Codex's turn and item: with the task and the process epoch, what identifies a request (Codex's
    /// JSON-RPC ids restart at 0 in every app-server process, so they identify nothing).
    public var turnID: String
    public var itemID: String
    public var action: Action
    /// Codex's own reason, when it gave one.
    public var reason: String?
    /// The decisions Codex listed as available; nil when it did not say.
    public var available: [ApprovalDecision]?

    public init(turnID: String, itemID: String, action: Action, reason: String? = nil, available: [ApprovalDecision]? = nil) {
        self.turnID = turnID
        self.itemID = itemID
        self.action = action
        self.reason = reason
        self.available = available
    }

    /// The choices shown to the user: all four, always. Codex 0.147 takes each of them for commands and
    /// file changes even when `available` lists fewer (see the README), so the list is not narrowed by it.
    public var choices: [ApprovalDecision] {
        [.accept, .acceptForSession, .decline, .cancel]
    }
}

/// An answer to Codex, in its own words (`accept`, `acceptForSession`, `decline`, `cancel`).
public enum ApprovalDecision: String, Sendable, Equatable, CaseIterable {
    /// Run it this once.
    case accept
    /// Run it, and the same action later in this session without asking.
    case acceptForSession
    /// Do not run it; the turn goes on and the model is told.
    case decline
    /// Do not run it and stop the turn.
    case cancel

    /// Whether the action may run.
    public var approves: Bool { self == .accept || self == .acceptForSession }
}
