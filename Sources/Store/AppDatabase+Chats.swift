import CompanionCore
import Foundation
import GRDB

extension AppDatabase: ChatStateStoring {
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

    public func recordAudit(_ entry: AuditEntry) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                INSERT INTO audit (at, user_id, chat_id, requester, command, project_name, outcome, duration_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                arguments: [entry.time, entry.userID, entry.chatID, entry.chatID.map { "telegram:\($0)" } ?? "cli",
                            entry.command, entry.project, entry.outcome, entry.duration])
        }
    }

    /// The newest audit entries, newest first.
    public func recentAudit(limit: Int) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                AuditEntry(time: row["at"], userID: row["user_id"], chatID: row["chat_id"], command: row["command"],
                           project: row["project_name"], outcome: row["outcome"], duration: row["duration_seconds"])
            }
        }
    }
}
