import CompanionCore
import Foundation
import GRDB

extension AppDatabase: TaskStoring {
    public func startTask(_ task: NewTask) async throws -> Int64 {
        try await writer.write { db in
            try db.execute(
                sql: """
                INSERT INTO tasks (chat_id, requester, project_name, prompt, mode, status, thread_id, started_at)
                VALUES (?, ?, ?, ?, ?, 'running', ?, ?)
                """,
                arguments: [task.chatID, task.requester, task.project, task.prompt, task.mode.rawValue, task.threadID, task.startedAt])
            return db.lastInsertedRowID
        }
    }

    public func finishTask(id: Int64, report: TaskReport) async throws {
        let summary = SummaryRenderer().render(report)
        let encoder = JSONEncoder()
        let files = String(decoding: try encoder.encode(report.turn.filesChanged), as: UTF8.self)
        let commands = String(decoding: try encoder.encode(report.turn.commands), as: UTF8.self)
        try await writer.write { db in
            try db.execute(
                sql: """
                UPDATE tasks SET status = ?, thread_id = ?, ended_at = ?, exit_code = ?, summary = ?, final_message = ?,
                    failure_reason = ?, stdout_tail = ?, stderr_tail = ?, input_tokens = ?, cached_input_tokens = ?,
                    output_tokens = ?, files_changed = ?, commands = ?
                WHERE id = ?
                """,
                arguments: [report.status.rawValue, report.threadID, report.endedAt, report.exitCode.map { Int($0) }, summary,
                            report.turn.finalMessage, report.failureReason, report.stdoutTail, report.stderrTail,
                            report.turnUsage?.inputTokens, report.turnUsage?.cachedInputTokens, report.turnUsage?.outputTokens,
                            files, commands, id])
        }
    }

    public func lastTask(project: String) async throws -> StoredTask? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE project_name = ? ORDER BY id DESC LIMIT 1", arguments: [project])
                .map(Self.storedTask)
        }
    }

    public func task(id: Int64) async throws -> StoredTask? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE id = ?", arguments: [id]).map(Self.storedTask)
        }
    }

    public func requesterOfFirstTask(threadID: String) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT requester FROM tasks WHERE thread_id = ? ORDER BY id LIMIT 1", arguments: [threadID])
        }
    }

    /// Thread ids the companion has run, with the requester of their first task, for session listings.
    public func requestersByThread() async throws -> [String: String] {
        try await writer.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT thread_id, requester FROM tasks WHERE thread_id IS NOT NULL ORDER BY id DESC") {
                result[row["thread_id"]] = row["requester"]
            }
            return result
        }
    }

    private static func storedTask(_ row: Row) -> StoredTask {
        StoredTask(id: row["id"], project: row["project_name"], prompt: row["prompt"],
                   mode: TaskMode(rawValue: row["mode"]) ?? .continue, status: TaskStatus(rawValue: row["status"]) ?? .failed,
                   threadID: row["thread_id"], startedAt: row["started_at"], endedAt: row["ended_at"], summary: row["summary"])
    }
}
