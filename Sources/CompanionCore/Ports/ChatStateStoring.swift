import Foundation

/// The chat ↔ project link and the audit trail, kept across restarts.
public protocol ChatStateStoring: Sendable {
    /// The project a chat last selected, if any.
    func activeProject(chatID: Int64) async throws -> String?
    /// Remembers the project a chat selected.
    func setActiveProject(chatID: Int64, project: String) async throws
    /// Appends one entry to the audit trail.
    func recordAudit(_ entry: AuditEntry) async throws
}

/// One command as the audit trail keeps it, authorised or not.
public struct AuditEntry: Sendable, Equatable {
    public var time: Date
    public var userID: Int64?
    public var chatID: Int64?
    public var command: String
    public var project: String?
    /// ok, refused, failed, unauthorised…
    public var outcome: String
    public var duration: TimeInterval

    public init(time: Date, userID: Int64?, chatID: Int64?, command: String, project: String?, outcome: String, duration: TimeInterval) {
        self.time = time
        self.userID = userID
        self.chatID = chatID
        self.command = command
        self.project = project
        self.outcome = outcome
        self.duration = duration
    }
}
