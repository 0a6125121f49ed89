import Foundation

/// One command as the audit trail keeps it, authorised or not.
public struct AuditEntry: Sendable, Equatable {
    public var time: Date
    public var requester: Requester
    /// The Telegram user who sent it, when it came from Telegram.
    public var userID: Int64?
    /// The command's name: `new`, `text`, `cancel`, `run`…
    public var command: String
    public var project: String?
    public var outcome: CommandOutcome
    public var duration: TimeInterval
    /// What an approval was about (the command, or the files), for the table only: the activity log
    /// keeps no such text.
    public var detail: String?

    public init(
        time: Date, requester: Requester, userID: Int64? = nil, command: String, project: String?,
        outcome: CommandOutcome, duration: TimeInterval, detail: String? = nil
    ) {
        self.detail = detail
        self.time = time
        self.requester = requester
        self.userID = userID
        self.command = command
        self.project = project
        self.outcome = outcome
        self.duration = duration
    }

    public var chatID: Int64? { requester.chatID }
}
