import CompanionCore
import Foundation
import GRDB

enum RolloutQueries {
    /// A quick refresh's read: the index rows of one repository's sessions.
    static let ofRepository = "SELECT * FROM codex_rollouts WHERE codex_home = ? AND cwd = ?"
}

extension AppDatabase: SessionIndexStoring {
    public func indexedStamps(codexHome: String) async throws -> [String: RolloutStamp] {
        try await writer.read { db in
            var stamps: [String: RolloutStamp] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT path, size, modified_ns FROM codex_rollouts WHERE codex_home = ?", arguments: [codexHome])
            while let row = try rows.next() {
                stamps[row[0]] = RolloutStamp(size: row[1], modifiedNanoseconds: row[2])
            }
            return stamps
        }
    }

    public func lastFullRefresh(codexHome: String) async throws -> Date? {
        try await writer.read { db in
            try Double.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: ["rollout_index_refreshed:" + codexHome])
                .map { Date(timeIntervalSince1970: $0) }
        }
    }

    public func setLastFullRefresh(codexHome: String, at date: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
                    """, arguments: ["rollout_index_refreshed:" + codexHome, "\(date.timeIntervalSince1970)"])
        }
    }

    public func indexFormat(codexHome: String) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: ["rollout_index_format:" + codexHome]) ?? 0
        }
    }

    public func setIndexFormat(codexHome: String, _ format: Int) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
                    """, arguments: ["rollout_index_format:" + codexHome, format])
        }
    }

    public func indexedRollouts(paths: [String]) async throws -> [String: IndexedRollout] {
        guard !paths.isEmpty else { return [:] }
        return try await writer.read { db in try Self.rollouts(atPaths: paths, db) }
    }

    public func indexedRollouts(codexHome: String, cwd: String?, orPaths paths: [String]) async throws -> [String: IndexedRollout] {
        try await writer.read { db in
            var result: [String: IndexedRollout] = [:]
            if let cwd {
                result = try Self.byPath(Row.fetchAll(db, sql: RolloutQueries.ofRepository, arguments: [codexHome, cwd]))
            }
            result.merge(try Self.rollouts(atPaths: paths, db)) { $1 }
            return result
        }
    }

    public func updateRollouts(_ rollouts: [IndexedRollout], removedPaths: [String]) async throws {
        try await writer.write { db in
            for path in removedPaths {
                try db.execute(sql: "DELETE FROM codex_rollouts WHERE path = ?", arguments: [path])
            }
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO codex_rollouts (path, codex_home, size, modified_ns, read_offset, thread_id, cwd, source,
                        started_at, first_prompt, input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for rollout in rollouts {
                try statement.execute(arguments: [
                    rollout.path, rollout.codexHome, rollout.size, rollout.modifiedNanoseconds, rollout.readOffset, rollout.threadID,
                    rollout.cwd, rollout.source, rollout.startedAt, rollout.firstPrompt, rollout.cumulativeUsage?.inputTokens,
                    rollout.cumulativeUsage?.cachedInputTokens, rollout.cumulativeUsage?.outputTokens,
                    rollout.cumulativeUsage?.reasoningOutputTokens,
                ])
            }
        }
    }

    public func rollout(codexHome: String, threadID: String) async throws -> IndexedRollout? {
        try await writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM codex_rollouts WHERE codex_home = ? AND thread_id = ? ORDER BY modified_ns DESC LIMIT 1",
                arguments: [codexHome, threadID]
            ).map(Self.rollout)
        }
    }

    public func rolloutCount(codexHome: String) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM codex_rollouts WHERE codex_home = ? AND thread_id IS NOT NULL",
                arguments: [codexHome]) ?? 0
        }
    }

    /// The rows at these paths, in batches (SQLite limits the number of parameters per statement).
    private static func rollouts(atPaths paths: [String], _ db: Database) throws -> [String: IndexedRollout] {
        var result: [String: IndexedRollout] = [:]
        for start in stride(from: 0, to: paths.count, by: 500) {
            let batch = Array(paths[start..<min(paths.count, start + 500)])
            let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM codex_rollouts WHERE path IN (\(marks))", arguments: StatementArguments(batch))
            result.merge(byPath(rows)) { $1 }
        }
        return result
    }

    private static func byPath(_ rows: [Row]) -> [String: IndexedRollout] {
        var result: [String: IndexedRollout] = [:]
        for row in rows {
            let rollout = rollout(row)
            result[rollout.path] = rollout
        }
        return result
    }

    private static func rollout(_ row: Row) -> IndexedRollout {
        var usage: TokenUsage?
        if let input: Int = row["input_tokens"] {
            usage = TokenUsage(
                inputTokens: input, cachedInputTokens: row["cached_input_tokens"] ?? 0,
                outputTokens: row["output_tokens"] ?? 0, reasoningOutputTokens: row["reasoning_output_tokens"] ?? 0)
        }
        return IndexedRollout(
            path: row["path"], codexHome: row["codex_home"], size: row["size"], modifiedNanoseconds: row["modified_ns"],
            readOffset: row["read_offset"], threadID: row["thread_id"], cwd: row["cwd"], source: row["source"],
            startedAt: row["started_at"], firstPrompt: row["first_prompt"], cumulativeUsage: usage)
    }
}
