import CompanionCore
import Foundation
import GRDB

extension AppDatabase: TaskStoring {
    public func startTask(_ task: NewTask) async throws -> Int64 {
        try await insertTask(task, status: .running)
    }

    /// One insert for running and queued tasks alike.
    private func insertTask(_ task: NewTask, status: TaskStatus) async throws -> Int64 {
        try await writer.write { db in
            try db.execute(
                sql: """
                INSERT INTO tasks (chat_id, requester, project_name, prompt, mode, status, thread_id, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                arguments: [task.chatID, task.requester, task.project, task.prompt, task.mode.rawValue, status.rawValue,
                            task.threadID, task.startedAt])
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

    static func storedTask(_ row: Row) -> StoredTask {
        var task = StoredTask(id: row["id"], project: row["project_name"], prompt: row["prompt"],
                              mode: TaskMode(rawValue: row["mode"]) ?? .continue, status: TaskStatus(rawValue: row["status"]) ?? .failed,
                              threadID: row["thread_id"], startedAt: row["started_at"], endedAt: row["ended_at"], summary: row["summary"])
        task.chatID = row["chat_id"]
        task.requester = row["requester"]
        task.codexPID = row["codex_pid"]
        return task
    }
}

extension AppDatabase {
    public func queueTask(_ task: NewTask) async throws -> Int64 {
        try await insertTask(task, status: .queued)
    }

    public func markTaskRunning(id: Int64, threadID: String?, startedAt: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE tasks SET status = 'running', thread_id = ?, started_at = ? WHERE id = ?",
                           arguments: [threadID, startedAt, id])
        }
    }

    public func endTaskWithoutRun(id: Int64, status: TaskStatus, reason: String, at: Date) async throws {
        try await writer.write { db in
            // The user was told at once, so there is nothing left to deliver.
            try db.execute(sql: """
                UPDATE tasks SET status = ?, failure_reason = ?, summary = ?, ended_at = ?, delivered_at = ? WHERE id = ?
                """, arguments: [status.rawValue, reason, reason, at, at, id])
        }
    }

    public func interruptRunningTasks(at: Date) async throws -> [StoredTask] {
        try await writer.write { db in
            let running = try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE status = 'running' ORDER BY id").map(Self.storedTask)
            let reason = "Interrupted: the companion stopped while this task ran."
            try db.execute(
                sql: "UPDATE tasks SET status = 'interrupted', ended_at = ?, failure_reason = ?, summary = ? WHERE status = 'running'",
                arguments: [at, reason, reason])
            return running
        }
    }

    public func queuedTasks() async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE status = 'queued' ORDER BY id").map(Self.storedTask)
        }
    }
}

extension AppDatabase {
    public func markTaskDelivered(id: Int64, at: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE tasks SET delivered_at = ? WHERE id = ?", arguments: [at, id])
        }
    }

    public func undeliveredResults() async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM tasks WHERE chat_id IS NOT NULL AND delivered_at IS NULL
                AND status IN ('done', 'failed', 'cancelled', 'interrupted') ORDER BY id
                """).map(Self.storedTask)
        }
    }
}

extension AppDatabase {
    public func recordTaskProcess(id: Int64, pid: Int32) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE tasks SET codex_pid = ? WHERE id = ?", arguments: [pid, id])
        }
    }

    /// Tasks recorded as running, with their Codex process ids: after a crash, candidates for clean-up.
    public func runningTasks() async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE status = 'running' ORDER BY id").map(Self.storedTask)
        }
    }
}
