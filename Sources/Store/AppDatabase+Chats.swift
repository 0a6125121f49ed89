import CompanionCore
import Foundation
import GRDB

extension AppDatabase: ChatStateStoring, AuditTableWriting, AuditReading {
    public func activeProject(chatID: Int64) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT project_name FROM chats WHERE chat_id = ?", arguments: [chatID])
        }
    }

    public func setActiveProject(chatID: Int64, project: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO chats (chat_id, project_name, last_active_at) VALUES (?, ?, ?)
                    ON CONFLICT(chat_id) DO UPDATE SET project_name = excluded.project_name, last_active_at = excluded.last_active_at
                    """,
                arguments: [chatID, project, Date()])
        }
    }

    public func chatsHearingTheDesk(of project: String) async throws -> [Int64] {
        try await writer.read { db in
            try Int64.fetchAll(
                db, sql: "SELECT chat_id FROM chats WHERE project_name = ? AND desk_notices ORDER BY chat_id", arguments: [project])
        }
    }

    public func hearsTheDesk(chatID: Int64) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT desk_notices FROM chats WHERE chat_id = ?", arguments: [chatID]) ?? true
        }
    }

    public func setHearsTheDesk(chatID: Int64, _ on: Bool) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO chats (chat_id, project_name, last_active_at, desk_notices) VALUES (?, NULL, ?, ?)
                    ON CONFLICT(chat_id) DO UPDATE SET desk_notices = excluded.desk_notices
                    """,
                arguments: [chatID, Date(), on])
        }
    }

    public func recordAudit(_ entry: AuditEntry) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO audit (at, user_id, chat_id, requester, command, project_name, outcome, duration_seconds, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.time, entry.userID, entry.chatID, entry.requester.stored,
                    entry.command, entry.project, entry.outcome.rawValue, entry.duration, entry.detail,
                ])
        }
    }

    /// The newest audit entries, newest first.
    public func recentAudit(limit: Int) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                AuditEntry(
                    time: row["at"], requester: Requester(stored: row["requester"]), userID: row["user_id"],
                    command: row["command"], project: row["project_name"],
                    outcome: Self.outcome(stored: row["outcome"]), duration: row["duration_seconds"], detail: row["detail"])
            }
        }
    }

    /// The newest audit entries that match the filters, newest first.
    public func recentAudit(
        limit: Int, project: String?, requester: Requester.Kind?, outcome: CommandOutcome?
    ) async throws -> [AuditEntry] {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let project {
                conditions.append("project_name = ?")
                arguments.append(project)
            }
            if let requester {
                conditions.append(requester == .telegram ? "requester LIKE 'telegram:%'" : "requester = ?")
                if requester != .telegram { arguments.append(requester.rawValue) }
            }
            if let outcome {
                conditions.append("outcome = ?")
                arguments.append(outcome.rawValue)
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments.append(limit)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM audit \(filter) ORDER BY id DESC LIMIT ?", arguments: StatementArguments(arguments)
            ).map(Self.auditEntry)
        }
    }

    static func auditEntry(_ row: Row) -> AuditEntry {
        AuditEntry(
            time: row["at"], requester: Requester(stored: row["requester"]), userID: row["user_id"],
            command: row["command"], project: row["project_name"],
            outcome: Self.outcome(stored: row["outcome"]), duration: row["duration_seconds"], detail: row["detail"])
    }

    /// Rows written before outcomes were typed may hold a task status (the CLI recorded `done`…).
    static func outcome(stored: String) -> CommandOutcome {
        if let outcome = CommandOutcome(rawValue: stored) { return outcome }
        return stored == "done" ? .ok : .failed
    }
}
