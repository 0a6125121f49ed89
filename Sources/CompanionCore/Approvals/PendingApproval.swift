import Foundation

/// A request that waits for the user: what Codex asked, for which task, and the token its buttons carry.
public struct PendingApproval: Sendable, Equatable {
    public var id: ApprovalID
    public var task: QueuedTask
    public var request: ApprovalRequest
    public var askedAt: Date
    /// When it is declined unless somebody answers first (`Date.distantFuture` for a desk turn's request:
    /// the person at the terminal may still answer, so it is never declined on a timer).
    public var expiresAt: Date
    public var origin: ApprovalOrigin

    public init(
        id: ApprovalID, task: QueuedTask, request: ApprovalRequest, askedAt: Date, expiresAt: Date, origin: ApprovalOrigin = .task
    ) {
        self.id = id
        self.task = task
        self.request = request
        self.askedAt = askedAt
        self.expiresAt = expiresAt
        self.origin = origin
    }

    /// The chats asked: the task's requester, or the chats that hear of the desk's turns.
    public var chats: [Int64] {
        switch origin {
        case .task: task.request.requester.chatID.map { [$0] } ?? []
        case .desk(_, let chats): chats
        }
    }

    /// Whether the request comes from a turn at the desk.
    public var isFromTheDesk: Bool {
        if case .desk = origin { return true }
        return false
    }
}

/// Whose turn asks.
public enum ApprovalOrigin: Sendable, Equatable {
    /// A task of the companion's (its `task` is real and its requester is asked).
    case task
    /// A turn at the desk, in `threadID`: no task of ours (id 0); the chats that hear of the project's
    /// desk turns are asked, and the terminal may answer first.
    case desk(threadID: String, chats: [Int64])

    /// The desk thread that asks; nil for a task's request.
    public var threadID: String? {
        if case .desk(let thread, _) = self { return thread }
        return nil
    }
}

/// Names one approval request across clients and restarts: the companion process's random epoch and a
/// sequence number within it, with the task. The broker maps it to the task, turn and item it stands
/// for, so a button from an earlier process (another epoch) or an ended turn never reaches Codex.
/// Its text form (`epoch.task.sequence`) fits in a Telegram button's 64 bytes with room for a choice.
public struct ApprovalID: Sendable, Hashable, CustomStringConvertible {
    public var epoch: String
    public var taskID: Int64
    public var sequence: Int

    public init(epoch: String, taskID: Int64, sequence: Int) {
        self.epoch = epoch
        self.taskID = taskID
        self.sequence = sequence
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].count <= 12, parts[0].allSatisfy({ $0.isLetter || $0.isNumber }),
            let task = Int64(parts[1]), let sequence = Int(parts[2])
        else { return nil }
        self.init(epoch: String(parts[0]), taskID: task, sequence: sequence)
    }

    public var description: String { "\(epoch).\(taskID).\(sequence)" }
}

/// Who or what decided a request.
public enum ApprovalDecider: Sendable, Equatable {
    /// A person, through a client.
    case user(Requester, userID: Int64?)
    /// Nobody answered in time: declined.
    case timeout
    /// The task stopped (cancelled, timed out, shut down) while the request waited.
    case taskStopped
    /// Somebody at the terminal (a desk turn's request; what they chose is not told).
    case desk
}

/// How a request ended.
public enum ApprovalOutcome: Sendable, Equatable {
    case decided(ApprovalDecision, by: ApprovalDecider, at: Date)
    /// The turn ended before anybody answered; Codex no longer waits for it.
    case expired(at: Date)
    /// Somebody answered at the terminal first (a desk turn's request).
    case decidedAtTheDesk(at: Date)
}

/// The answer a client gets when it answers a request.
public enum ApprovalAnswerResult: Sendable, Equatable {
    /// The decision went to Codex.
    case accepted(PendingApproval)
    /// The request is gone: answered, its turn over, or from before a restart.
    case expired
}
