import Foundation

/// A request that waits for the user: what Codex asked, for which task, and the token its buttons carry.
public struct PendingApproval: Sendable, Equatable {
    public var id: ApprovalID
    public var task: QueuedTask
    public var request: ApprovalRequest
    public var askedAt: Date
    /// When it is declined unless somebody answers first.
    public var expiresAt: Date

    public init(id: ApprovalID, task: QueuedTask, request: ApprovalRequest, askedAt: Date, expiresAt: Date) {
        self.id = id
        self.task = task
        self.request = request
        self.askedAt = askedAt
        self.expiresAt = expiresAt
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
}

/// How a request ended.
public enum ApprovalOutcome: Sendable, Equatable {
    case decided(ApprovalDecision, by: ApprovalDecider, at: Date)
    /// The turn ended before anybody answered; Codex no longer waits for it.
    case expired(at: Date)
}

/// The answer a client gets when it answers a request.
public enum ApprovalAnswerResult: Sendable, Equatable {
    /// The decision went to Codex.
    case accepted(PendingApproval)
    /// The request is gone: answered, its turn over, or from before a restart.
    case expired
}
