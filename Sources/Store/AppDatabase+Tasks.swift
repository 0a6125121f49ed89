import CompanionCore
import Foundation
import GRDB

/// The queries the bot runs on every message or at every start, in one place so a test can check that
/// each is an index lookup (they must stay fast with 100,000 tasks).
enum TaskQueries {
    static let lastOfProject = "SELECT * FROM tasks WHERE project_name = ? ORDER BY id DESC LIMIT 1"
    static let firstRequesterOfThread = "SELECT requester FROM tasks WHERE thread_id = ? ORDER BY id LIMIT 1"
    static let running = "SELECT * FROM tasks WHERE status = 'running' ORDER BY id"
    static let queued = "SELECT * FROM tasks WHERE status = 'queued' ORDER BY id"
    static let undelivered = """
        SELECT * FROM tasks WHERE chat_id IS NOT NULL AND delivered_at IS NULL
        AND status IN ('done', 'failed', 'cancelled', 'interrupted') ORDER BY id
        """
    static let all = [lastOfProject, firstRequesterOfThread, running, queued, undelivered]
}

extension AppDatabase: TaskStoring {
    public func startTask(_ task: NewTask) async throws -> Int64 {
        try await insertTask(task, status: .running)
    }

    /// One insert for running and queued tasks alike.
    private func insertTask(_ task: NewTask, status: TaskStatus) async throws -> Int64 {
        let session = task.session.map(SessionColumns.init)
        return try await writer.write { db in
            try db.execute(
                sql: """
                INSERT INTO tasks (chat_id, requester, project_name, prompt, mode, status, thread_id, started_at,
                    session_kind, session_origin, session_first_prompt, session_last_used_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                arguments: [task.chatID, task.requester, task.project, task.prompt, task.mode.rawValue, status.rawValue,
                            task.threadID, task.startedAt, session?.kind, session?.origin, session?.firstPrompt, session?.lastUsedAt])
            return db.lastInsertedRowID
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
                    failure_reason = ?, stdout_tail = ?, stderr_tail = ?, input_tokens = ?, cached_input_tokens = ?,
                    output_tokens = ?, reasoning_output_tokens = ?, files_changed = ?, commands = ?,
                    session_kind = ?, session_origin = ?, session_first_prompt = ?, session_last_used_at = ?
                WHERE id = ?
                """,
                arguments: [report.status.rawValue, report.threadID, report.endedAt, report.exitCode.map { Int($0) },
                            report.turn.finalMessage, report.failureReason, report.stdoutTail, report.stderrTail,
                            report.turnUsage?.inputTokens, report.turnUsage?.cachedInputTokens, report.turnUsage?.outputTokens,
                            report.turnUsage?.reasoningOutputTokens, files, commands,
                            session.kind, session.origin, session.firstPrompt, session.lastUsedAt, id])
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
            try Row.fetchOne(db, sql: TaskQueries.lastOfProject, arguments: [project])
                .map(Self.storedTask)
        }
    }

    public func requesterOfFirstTask(threadID: String) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(db, sql: TaskQueries.firstRequesterOfThread, arguments: [threadID])
        }
    }

    /// For each of these threads the companion has run, the requester of its first task (session listings).
    public func requesters(ofThreads threadIDs: [String]) async throws -> [String: String] {
        try await writer.read { db in
            var result: [String: String] = [:]
            for id in threadIDs {
                if let requester = try String.fetchOne(db, sql: TaskQueries.firstRequesterOfThread,
                                                       arguments: [id]) {
                    result[id] = requester
                }
            }
            return result
        }
    }

    static func storedTask(_ row: Row) -> StoredTask {
        var task = StoredTask(id: row["id"], project: row["project_name"], prompt: row["prompt"],
                              mode: TaskMode(rawValue: row["mode"]) ?? .continue, status: TaskStatus(rawValue: row["status"]) ?? .failed,
                              threadID: row["thread_id"], startedAt: row["started_at"], endedAt: row["ended_at"])
        task.chatID = row["chat_id"]
        task.requester = row["requester"]
        task.codexPID = row["codex_pid"]
        task.exitCode = (row["exit_code"] as Int?).map { Int32(truncatingIfNeeded: $0) }
        task.finalMessage = row["final_message"]
        task.failureReason = row["failure_reason"]
        let decoder = JSONDecoder()
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
            task.turnUsage = TokenUsage(inputTokens: input, cachedInputTokens: row["cached_input_tokens"] ?? 0,
                                        outputTokens: row["output_tokens"] ?? 0, reasoningOutputTokens: row["reasoning_output_tokens"] ?? 0)
        }
        task.session = SessionColumns.note(kind: row["session_kind"], threadID: task.threadID, origin: row["session_origin"],
                                           firstPrompt: row["session_first_prompt"], lastUsedAt: row["session_last_used_at"])
        return task
    }
}

/// A session note as stored: its kind as text in one place, and for a continued session what the card shows.
struct SessionColumns {
    var kind: String
    var origin: String?
    var firstPrompt: String?
    var lastUsedAt: Date?

    init(_ note: SessionNote) {
        switch note {
        case .new:
            kind = "new"
        case .newBecauseNoneFound:
            kind = "new_none_found"
        case .continued(let session, let origin):
            kind = "continued"
            self.origin = origin
            firstPrompt = session.firstPrompt
            lastUsedAt = session.lastUsedAt
        }
    }

    static func note(kind: String?, threadID: String?, origin: String?, firstPrompt: String?, lastUsedAt: Date?) -> SessionNote? {
        switch kind {
        case "new": return .new
        case "new_none_found": return .newBecauseNoneFound
        case "continued":
            guard let threadID else { return .newBecauseNoneFound }
            let session = CodexSession(id: threadID, cwd: "", startedAt: nil, lastUsedAt: lastUsedAt ?? .distantPast,
                                       firstPrompt: firstPrompt, source: "", cumulativeUsage: nil)
            return .continued(session, origin: origin ?? "elsewhere")
        default: return nil
        }
    }
}

extension AppDatabase {
    public func queueTask(_ task: NewTask) async throws -> Int64 {
        try await insertTask(task, status: .queued)
    }

    public func markTaskRunning(id: Int64, session: SessionNote, startedAt: Date) async throws {
        let columns = SessionColumns(session)
        let threadID = NewTask(chatID: nil, requester: "", project: "", prompt: "", mode: .continue, session: session, startedAt: startedAt).threadID
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE tasks SET status = 'running', thread_id = ?, started_at = ?, session_kind = ?, session_origin = ?,
                    session_first_prompt = ?, session_last_used_at = ?
                WHERE id = ?
                """, arguments: [threadID, startedAt, columns.kind, columns.origin, columns.firstPrompt, columns.lastUsedAt, id])
        }
    }

    public func endTaskWithoutRun(id: Int64, status: TaskStatus, reason: String, at: Date) async throws {
        try await writer.write { db in
            // The user was told at once, so there is nothing left to deliver.
            try db.execute(sql: """
                UPDATE tasks SET status = ?, failure_reason = ?, ended_at = ?, delivered_at = ? WHERE id = ?
                """, arguments: [status.rawValue, reason, at, at, id])
        }
    }

    public func interruptRunningTasks(at: Date) async throws -> [StoredTask] {
        try await writer.write { db in
            let running = try Row.fetchAll(db, sql: TaskQueries.running).map(Self.storedTask)
            let reason = "Interrupted: the companion stopped while this task ran. The session is kept; send the prompt again (or /continue) to retry."
            try db.execute(
                sql: "UPDATE tasks SET status = 'interrupted', ended_at = ?, failure_reason = ? WHERE status = 'running'",
                arguments: [at, reason])
            return running
        }
    }

    public func queuedTasks() async throws -> [StoredTask] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: TaskQueries.queued).map(Self.storedTask)
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
            try Row.fetchAll(db, sql: TaskQueries.undelivered).map(Self.storedTask)
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
            try Row.fetchAll(db, sql: TaskQueries.running).map(Self.storedTask)
        }
    }
}
