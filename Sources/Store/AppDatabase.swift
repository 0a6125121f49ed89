import CompanionCore
import Foundation
import GRDB

/// The companion's SQLite file: chats, tasks, Telegram updates and the audit trail.
/// Owns the connection and runs the versioned migrations when opened.
public final class AppDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        // The CLI and the daemon may use the same file at once; wait for the other writer briefly.
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        // Two readers are plenty for one user; each connection keeps at most 1 MiB of page cache.
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL still survives a crash or kill -9 of the companion (the WAL is in the OS's
            // hands once written); only a power cut can lose the last commits. It saves an fsync per commit
            // on the message path.
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1024")
        }
        try self.init(writer: DatabasePool(path: path, configuration: configuration))
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// SQLite's plan for each query the bot runs at every message or start (and the audit's pruning), for
    /// tests: each must use an index.
    public func queryPlans() async throws -> [String: String] {
        try await writer.read { db in
            var plans: [String: String] = [:]
            let queries = TaskQueries.all + [UpdateQueries.unhandled, RolloutQueries.ofRepository] + AuditQueries.all
            for sql in queries {
                let rows = try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + sql,
                    arguments: StatementArguments(
                        Array(repeating: "x" as DatabaseValueConvertible?, count: sql.filter { $0 == "?" }.count)))
                plans[sql] = rows.map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
            }
            return plans
        }
    }

    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(writer: DatabaseQueue())
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "chats") { table in
                table.primaryKey("chat_id", .integer)
                table.column("project_name", .text)
                table.column("last_active_at", .datetime).notNull()
            }
            try db.create(table: "tasks") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("chat_id", .integer)
                table.column("requester", .text).notNull()
                table.column("project_name", .text).notNull()
                table.column("prompt", .text).notNull()
                table.column("mode", .text).notNull().check { ["new", "continue"].contains($0) }
                table.column("status", .text).notNull()
                    .check { ["queued", "running", "done", "failed", "cancelled", "interrupted"].contains($0) }
                table.column("thread_id", .text)
                table.column("started_at", .datetime).notNull()
                table.column("ended_at", .datetime)
                table.column("exit_code", .integer)
                table.column("summary", .text)
                table.column("final_message", .text)
                table.column("failure_reason", .text)
                table.column("stdout_tail", .text)
                table.column("stderr_tail", .text)
                table.column("input_tokens", .integer)
                table.column("cached_input_tokens", .integer)
                table.column("output_tokens", .integer)
                table.column("files_changed", .text)
                table.column("commands", .text)
            }
            try db.create(index: "tasks_by_project", on: "tasks", columns: ["project_name", "id"])
            try db.create(index: "tasks_by_thread", on: "tasks", columns: ["thread_id", "id"])
            try db.create(table: "telegram_updates") { table in
                table.primaryKey("update_id", .integer)
                table.column("payload", .text).notNull()
                table.column("received_at", .datetime).notNull()
                table.column("handled_at", .datetime)
            }
            try db.create(table: "settings") { table in
                table.primaryKey("key", .text)
                table.column("value", .text).notNull()
            }
            try db.create(table: "audit") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .datetime).notNull()
                table.column("user_id", .integer)
                table.column("chat_id", .integer)
                table.column("requester", .text).notNull()
                table.column("command", .text).notNull()
                table.column("project_name", .text)
                table.column("outcome", .text).notNull()
                table.column("duration_seconds", .double).notNull()
            }
        }
        migrator.registerMigration("v2: result delivery") { db in
            // Set once a task's result reached its chat; a restart re-sends results that never did.
            try db.alter(table: "tasks") { table in
                table.add(column: "delivered_at", .datetime)
            }
        }
        migrator.registerMigration("v3: codex process id") { db in
            // Lets a restarted daemon stop a Codex process orphaned by a crash.
            try db.alter(table: "tasks") { table in
                table.add(column: "codex_pid", .integer)
            }
        }
        migrator.registerMigration("v4: session facts and line counts") { db in
            // The facts the result card is rendered from, so /last shows the card the user saw live;
            // no rendered text is stored any more (the old `summary` column is left empty).
            try db.alter(table: "tasks") { table in
                table.add(column: "session_kind", .text)
                table.add(column: "session_origin", .text)
                table.add(column: "session_first_prompt", .text)
                table.add(column: "session_last_used_at", .datetime)
                table.add(column: "reasoning_output_tokens", .integer)
                table.add(column: "line_counts", .text)
            }
        }
        migrator.registerMigration("v5: rollout index") { db in
            // The index of Codex's rollout files (see RolloutIndex): one row per file, looked up by the
            // repository's canonical path, newest use first.
            try db.create(table: "codex_rollouts") { table in
                table.primaryKey("path", .text)
                table.column("codex_home", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("modified_ns", .integer).notNull()
                table.column("read_offset", .integer).notNull()
                table.column("thread_id", .text)
                table.column("cwd", .text)
                table.column("source", .text).notNull()
                table.column("started_at", .datetime)
                table.column("first_prompt", .text)
                table.column("input_tokens", .integer)
                table.column("cached_input_tokens", .integer)
                table.column("output_tokens", .integer)
                table.column("reasoning_output_tokens", .integer)
            }
            try db.create(index: "rollouts_by_cwd", on: "codex_rollouts", columns: ["codex_home", "cwd", "modified_ns"])
            try db.create(index: "rollouts_by_thread", on: "codex_rollouts", columns: ["codex_home", "thread_id"])
        }
        migrator.registerMigration("v6: bounded queries") { db in
            // Every query the bot makes stays an index lookup with 100,000 tasks: recovery at start
            // (running, queued, undelivered), and the dispatcher's unhandled updates.
            try db.execute(sql: "CREATE INDEX tasks_running ON tasks(id) WHERE status = 'running'")
            try db.execute(sql: "CREATE INDEX tasks_queued ON tasks(id) WHERE status = 'queued'")
            try db.execute(sql: "CREATE INDEX tasks_undelivered ON tasks(id) WHERE delivered_at IS NULL AND chat_id IS NOT NULL")
            try db.execute(sql: "CREATE INDEX updates_unhandled ON telegram_updates(update_id) WHERE handled_at IS NULL")
            try db.execute(sql: "CREATE INDEX updates_by_age ON telegram_updates(received_at)")
        }
        migrator.registerMigration("v7: one writer per project, typed stop reasons") { db in
            // The owner process of a queued or running task (a restarted daemon leaves a live CLI's tasks
            // alone), and why the companion stopped a task, as `StopReason.stored`.
            try db.alter(table: "tasks") { table in
                table.add(column: "owner_pid", .integer)
                table.add(column: "stop_reason", .text)
            }
            // Before this version the CLI and the daemon could both run a project: keep the newest run.
            try db.execute(
                sql: """
                    UPDATE tasks SET status = 'interrupted' WHERE status = 'running'
                    AND id NOT IN (SELECT MAX(id) FROM tasks WHERE status = 'running' GROUP BY project_name)
                    """)
            // At most one running task per project, in any process: taken by markTaskRunning, freed when the
            // task ends or is recovered.
            try db.execute(sql: "CREATE UNIQUE INDEX tasks_one_writer ON tasks(project_name) WHERE status = 'running'")
        }
        migrator.registerMigration("v8: approval details in the audit") { db in
            // What an approval request was about (the command and its directory, or the files), so the
            // audit says who decided what; the activity log keeps no such text.
            try db.alter(table: "audit") { table in
                table.add(column: "detail", .text)
            }
        }
        migrator.registerMigration("v9: images with a prompt") { db in
            // The images a phone sent with a prompt (paths in the state directory), so a queued task keeps
            // them across a restart.
            try db.alter(table: "tasks") { table in
                table.add(column: "images", .text)
            }
        }
        migrator.registerMigration("v10: dashboard login codes") { db in
            // One-time login links for the dashboard: `codex-companion dashboard` adds one, the daemon uses it
            // up. Only the SHA-256 of a code is kept.
            try db.create(table: "dashboard_login_codes") { table in
                table.primaryKey("code_hash", .text)
                table.column("expires_at", .datetime).notNull()
                table.column("used_at", .datetime)
            }
        }
        migrator.registerMigration("v11: progress messages") { db in
            // The chat message showing a task's live progress, until it is edited into its final line: a
            // restart after a crash finishes the ones left behind instead of showing "⏳" forever.
            try db.alter(table: "tasks") { table in
                table.add(column: "progress_message_id", .integer)
            }
            try db.execute(sql: "CREATE INDEX tasks_progress_unfinished ON tasks(id) WHERE progress_message_id IS NOT NULL")
        }
        migrator.registerMigration("v12: audit pruning") { db in
            // The daemon's maintenance deletes audit rows past their age: an index on the time keeps that
            // a range delete, however large the table has grown.
            try db.create(index: "audit_by_time", on: "audit", columns: ["at"])
        }
        migrator.registerMigration("v13: codex process start time") { db in
            // With the process id, when Codex's process started: after a reboot (or once ids wrap around)
            // the id may belong to another process, perhaps the user's own codex, which must not be stopped.
            try db.alter(table: "tasks") { table in
                table.add(column: "codex_started_at", .text)
            }
        }
        migrator.registerMigration("v14: desk notices") { db in
            // `/notify desk off`: the chat no longer hears of turns at the terminal. On by default.
            try db.alter(table: "chats") { table in
                table.add(column: "desk_notices", .boolean).notNull().defaults(to: true)
            }
        }
        return migrator
    }
}
