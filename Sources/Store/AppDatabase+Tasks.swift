import CompanionCore
import Foundation
import GRDB

/// The queries the companion runs on every message or at every start, in one place so a test can check
/// that each is an index lookup (they must stay fast with 100,000 tasks).
enum TaskQueries {
    static let lastOfProject = "SELECT * FROM tasks WHERE project_name = ? ORDER BY id DESC LIMIT 1"
    /// The requester of the task that started a thread: a task that continued it (a terminal session
    /// the phone picked up) does not count. Tasks from before session kinds were kept (NULL) still do.
    static let firstRequesterOfThread = """
        SELECT requester FROM tasks WHERE thread_id = ? AND (session_kind IS NULL OR session_kind != 'continued')
        ORDER BY id LIMIT 1
        """
    static let running = "SELECT * FROM tasks WHERE status = 'running' ORDER BY id"
    static let runningOfProject = "SELECT * FROM tasks WHERE status = 'running' AND project_name = ?"
    static let queued = "SELECT * FROM tasks WHERE status = 'queued' ORDER BY id"
    static let undelivered = """
        SELECT * FROM tasks WHERE chat_id IS NOT NULL AND delivered_at IS NULL
        AND status IN ('done', 'failed', 'cancelled', 'interrupted') ORDER BY id
        """
    static let unfinishedProgress = """
        SELECT * FROM tasks WHERE progress_message_id IS NOT NULL AND status NOT IN ('queued', 'running') ORDER BY id
        """
    static let all = [lastOfProject, firstRequesterOfThread, running, runningOfProject, queued, undelivered, unfinishedProgress]
}

extension AppDatabase: TaskStoring {
    public func queueTask(_ task: NewTask) async throws -> Int64 {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tasks (chat_id, requester, project_name, prompt, mode, status, started_at, owner_pid, images)
                    VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                    """,
                arguments: [
                    task.requester.chatID, task.requester.stored, task.project, task.prompt, task.mode.rawValue,
                    task.askedAt, task.ownerPID,
                    task.images.isEmpty ? nil : String(decoding: try JSONEncoder().encode(task.images), as: UTF8.self),
                ])
            return db.lastInsertedRowID
        }
    }

    public func markTaskRunning(id: Int64, session: SessionNote, startedAt: Date, ownerPID: Int32) async throws {
        let columns = SessionColumns(session)
        do {
            try await writer.write { db in
                try db.execute(
                    sql: """
                        UPDATE tasks SET status = 'running', thread_id = ?, started_at = ?, owner_pid = ?, session_kind = ?,
                            session_origin = ?, session_first_prompt = ?, session_last_used_at = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        session.resumedThreadID, startedAt, ownerPID, columns.kind, columns.origin,
                        columns.firstPrompt, columns.lastUsedAt, id,
                    ])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            // tasks_one_writer: another task of the project is running, in this process or another.
            let holder = try await writer.read { db in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT * FROM tasks WHERE status = 'running'
                        AND project_name = (SELECT project_name FROM tasks WHERE id = ?)
                        """, arguments: [id]
                ).map(Self.storedTask)
            }
            throw ProjectBusy(holder: holder)
        }
    }

    public func recordTaskProcess(id: Int64, pid: Int32, started: ProcessStartTime?) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE tasks SET codex_pid = ?, codex_started_at = ? WHERE id = ?", arguments: [pid, started?.rawValue, id])
        }
    }

    public func finishTask(id: Int64, report: TaskReport) async throws {
        let encoder = JSONEncoder()
        let files = String(decoding: try encoder.encode(report.turn.filesChanged), as: UTF8.self)
        let commands = String(decoding: try encoder.encode(report.turn.commands), as: UTF8.self)
        let session = SessionColumns(report.session)
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE tasks SET status = ?, thread_id = ?, ended_at = ?, exit_code = ?, final_message = ?,
                        failure_reason = ?, stop_reason = ?, stdout_tail = ?, stderr_tail = ?, input_tokens = ?,
                        cached_input_tokens = ?, output_tokens = ?, reasoning_output_tokens = ?, files_changed = ?, commands = ?,
                        session_kind = ?, session_origin = ?, session_first_prompt = ?, session_last_used_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    report.status.rawValue, report.threadID, report.endedAt, report.exitCode.map { Int($0) },
                    report.turn.finalMessage, report.failureReason, report.stopReason?.stored,
                    report.stdoutTail, report.stderrTail,
                    report.turnUsage?.inputTokens, report.turnUsage?.cachedInputTokens, report.turnUsage?.outputTokens,
                    report.turnUsage?.reasoningOutputTokens, files, commands,
                    session.kind, session.origin, session.firstPrompt, session.lastUsedAt, id,
                ])
        }
    }

    public func endTaskWithoutRun(id: Int64, reason: StopReason, at: Date) async throws {
        try await writer.write { db in
            // The requester was told at once, so there is nothing left to deliver.
            try db.execute(
                sql: """
                    UPDATE tasks SET status = ?, stop_reason = ?, ended_at = ?, delivered_at = ? WHERE id = ?
                    """, arguments: [reason.status.rawValue, reason.stored, at, at, id])
        }
    }

    public func interruptTask(id: Int64, reason: StopReason, at: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE tasks SET status = ?, stop_reason = ?, ended_at = ? WHERE id = ? AND status = 'running'
                    """, arguments: [reason.status.rawValue, reason.stored, at, id])
        }
    }

    public func runningTasks() async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: TaskQueries.running).map(Self.storedTask)
        }
    }

    public func runningTask(project: String) async throws -> StoredTask? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: TaskQueries.runningOfProject, arguments: [project]).map(Self.storedTask)
        }
    }

    public func queuedTasks() async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: TaskQueries.queued).map(Self.storedTask)
        }
    }

    public func markTaskDelivered(id: Int64, at: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE tasks SET delivered_at = ? WHERE id = ?", arguments: [at, id])
        }
    }

    public func undeliveredResults() async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: TaskQueries.undelivered).map(Self.storedTask)
        }
    }

    public func recordProgressMessage(id: Int64, messageID: Int64?) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE tasks SET progress_message_id = ? WHERE id = ?", arguments: [messageID, id])
        }
    }

    public func unfinishedProgressMessages() async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: TaskQueries.unfinishedProgress).map(Self.storedTask)
        }
    }

    public func recordLineCounts(id: Int64, counts: [String: LineCounts]) async throws {
        let json = String(decoding: try JSONEncoder().encode(counts), as: UTF8.self)
        try await writer.write { db in
            try db.execute(sql: "UPDATE tasks SET line_counts = ? WHERE id = ?", arguments: [json, id])
        }
    }

    public func lastTask(project: String) async throws -> StoredTask? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: TaskQueries.lastOfProject, arguments: [project]).map(Self.storedTask)
        }
    }

    public func recentTasks(limit: Int) async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tasks ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.storedTask)
        }
    }

    public func task(id: Int64) async throws -> StoredTask? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE id = ?", arguments: [id]).map(Self.storedTask)
        }
    }

    public func requesterOfFirstTask(threadID: String) async throws -> Requester? {
        try await writer.read { db in
            try String.fetchOne(db, sql: TaskQueries.firstRequesterOfThread, arguments: [threadID]).map(Requester.init(stored:))
        }
    }

    /// For each of these threads the companion has run, the requester of its first task (session listings).
    public func requesters(ofThreads threadIDs: [String]) async throws -> [String: Requester] {
        try await writer.read { db in
            var result: [String: Requester] = [:]
            for id in threadIDs {
                if let requester = try String.fetchOne(db, sql: TaskQueries.firstRequesterOfThread, arguments: [id]) {
                    result[id] = Requester(stored: requester)
                }
            }
            return result
        }
    }

    static func storedTask(_ row: Row) -> StoredTask {
        var task = StoredTask(
            id: row["id"], project: row["project_name"], prompt: row["prompt"],
            mode: TaskMode(rawValue: row["mode"]) ?? .continue, status: TaskStatus(rawValue: row["status"]) ?? .failed,
            threadID: row["thread_id"], startedAt: row["started_at"], endedAt: row["ended_at"])
        task.requester = Requester(stored: row["requester"])
        task.ownerPID = row["owner_pid"]
        task.codexPID = row["codex_pid"]
        task.codexStartedAt = (row["codex_started_at"] as String?).map(ProcessStartTime.init(rawValue:))
        task.progressMessageID = row["progress_message_id"]
        task.exitCode = (row["exit_code"] as Int?).map { Int32(truncatingIfNeeded: $0) }
        task.finalMessage = row["final_message"]
        task.failureReason = row["failure_reason"]
        task.stopReason = (row["stop_reason"] as String?).flatMap(StopReason.init(stored:))
        let decoder = JSONDecoder()
        if let images: String = row["images"] {
            task.images = (try? decoder.decode([String].self, from: Data(images.utf8))) ?? []
        }
        if let files: String = row["files_changed"] {
            task.filesChanged = (try? decoder.decode([FileChange].self, from: Data(files.utf8))) ?? []
        }
        if let commands: String = row["commands"] {
            task.commands = (try? decoder.decode([CommandExecution].self, from: Data(commands.utf8))) ?? []
        }
        if let counts: String = row["line_counts"] {
            task.lineCounts = (try? decoder.decode([String: LineCounts].self, from: Data(counts.utf8))) ?? [:]
        }
        if let input: Int = row["input_tokens"] {
            task.turnUsage = TokenUsage(
                inputTokens: input, cachedInputTokens: row["cached_input_tokens"] ?? 0,
                outputTokens: row["output_tokens"] ?? 0, reasoningOutputTokens: row["reasoning_output_tokens"] ?? 0)
        }
        task.session = SessionColumns.note(
            kind: row["session_kind"], threadID: task.threadID, origin: row["session_origin"],
            firstPrompt: row["session_first_prompt"], lastUsedAt: row["session_last_used_at"])
        return task
    }
}
