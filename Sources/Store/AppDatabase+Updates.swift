import CompanionCore
import Foundation
import GRDB

enum UpdateQueries {
    static let unhandled = "SELECT update_id, payload FROM telegram_updates WHERE handled_at IS NULL ORDER BY update_id"
}

extension AppDatabase: UpdateStoring {
    public func recordUpdates(_ updates: [RecordedUpdate], receivedAt: Date, nextOffset: Int64) async throws -> [RecordedUpdate] {
        try await writer.write { db in
            var fresh: [RecordedUpdate] = []
            for update in updates {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO telegram_updates (update_id, payload, received_at) VALUES (?, ?, ?)",
                    arguments: [update.id, String(decoding: update.payload, as: UTF8.self), receivedAt])
                if db.changesCount > 0 { fresh.append(update) }
            }
            try db.execute(
                sql:
                    "INSERT INTO settings (key, value) VALUES ('telegram_offset', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: ["\(nextOffset)"])
            return fresh
        }
    }

    public func markUpdateHandled(id: Int64, at: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE telegram_updates SET handled_at = ? WHERE update_id = ?", arguments: [at, id])
        }
    }

    public func unhandledUpdates() async throws -> [(id: Int64, payload: Data)] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: UpdateQueries.unhandled)
                .map { row in (id: row["update_id"], payload: Data((row["payload"] as String).utf8)) }
        }
    }

    public func pollOffset() async throws -> Int64? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'telegram_offset'").flatMap { Int64($0) }
        }
    }

}

extension AppDatabase {
    /// Forgets handled updates received before `date` (Telegram re-sends nothing older than a day, and
    /// the poll offset is kept apart), so the table stays a week long. Returns how many went.
    @discardableResult
    public func pruneHandledUpdates(receivedBefore date: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM telegram_updates WHERE received_at < ? AND handled_at IS NOT NULL", arguments: [date])
            return db.changesCount
        }
    }

    /// The recorded JSON of one update.
    public func updatePayload(id: Int64) async throws -> Data? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT payload FROM telegram_updates WHERE update_id = ?", arguments: [id]).map { Data($0.utf8) }
        }
    }
}
