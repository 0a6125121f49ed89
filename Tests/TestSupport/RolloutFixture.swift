import Foundation

/// Writes rollout files shaped like Codex's (`sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`, one
/// `{"timestamp", "type", "payload"}` object per line), for index tests and the benchmark's large history.
/// Two formats: the one Codex 0.147 writes (`event_msg/user_message` carries the prompt) and the one
/// 0.151+ writes for paginated threads (no `user_message`: the prompt is a `response_item` user message
/// and an `item_completed` `UserMessage`, after about 40 KB of instructions).
public enum RolloutFixture {
    public enum Format: String, Sendable, CaseIterable {
        /// Codex 0.147 and earlier.
        case legacy
        /// Codex 0.151 and later (`"history_mode": "paginated"`).
        case paginated
    }

    public struct Session: Sendable {
        public var id: String
        public var cwd: String
        public var prompt: String
        public var day: (year: Int, month: Int, day: Int)
        public var format: Format
        /// `session_meta.source`: `cli` for a 0.147 terminal, `vscode` for anything made through 0.163's daemon.
        public var source: String
        /// `session_meta.originator` (none in the legacy fixture unless given).
        public var originator: String?
        /// Bytes of the developer instructions line before the prompt (paginated; about 10 KB in Codex's own).
        public var instructionsBytes: Int
        /// Bytes of model traffic between the head and the tail, as long sessions have.
        public var bulkBytes: Int
        /// A later turn moved the session to this directory.
        public var laterCwd: String?

        public init(
            id: String = UUID().uuidString.lowercased(), cwd: String, prompt: String, day: (Int, Int, Int) = (2026, 1, 15),
            format: Format = .legacy, source: String? = nil, originator: String? = nil, instructionsBytes: Int = 10_000,
            bulkBytes: Int = 0, laterCwd: String? = nil
        ) {
            self.id = id
            self.cwd = cwd
            self.prompt = prompt
            self.day = (day.0, day.1, day.2)
            self.format = format
            self.source = source ?? (format == .legacy ? "cli" : "vscode")
            self.originator = originator ?? (format == .legacy ? nil : "codex-tui")
            self.instructionsBytes = instructionsBytes
            self.bulkBytes = bulkBytes
            self.laterCwd = laterCwd
        }
    }

    /// Writes the session's file and returns its path.
    @discardableResult
    public static func write(_ session: Session, codexHome: String, modifiedAt: Date? = nil) throws -> String {
        let folder = String(format: "%@/sessions/%04d/%02d/%02d", codexHome, session.day.year, session.day.month, session.day.day)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stamp = String(format: "%04d-%02d-%02dT10-00-00", session.day.year, session.day.month, session.day.day)
        let path = "\(folder)/rollout-\(stamp)-\(session.id).jsonl"
        var text = session.format == .legacy ? legacyHead(session) : paginatedHead(session)
        if session.bulkBytes > 0 {
            let item = bulkItem
            text += String(repeating: item, count: max(1, session.bulkBytes / item.utf8.count))
        }
        if let laterCwd = session.laterCwd {
            text += line("turn_context", ["cwd": laterCwd, "model": "gpt-5.5"])
        }
        text += turnEnd(session.format, answer: "done: " + session.prompt, usage: firstUsage)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        if let modifiedAt {
            try FileManager.default.setAttributes([.modificationDate: modifiedAt], ofItemAtPath: path)
        }
        return path
    }

    /// Appends a turn to an existing file (as resuming the session does), optionally in another directory.
    public static func appendTurn(
        to path: String, cwd: String, prompt: String, format: Format = .legacy, modifiedAt: Date? = nil
    ) throws {
        var text = line("turn_context", ["cwd": cwd, "model": "gpt-5.5"])
        text += promptLines(prompt, format: format)
        text += turnEnd(format, answer: "done: " + prompt, usage: resumedUsage)
        try append(text, to: path)
        if let modifiedAt {
            try FileManager.default.setAttributes([.modificationDate: modifiedAt], ofItemAtPath: path)
        }
    }

    /// Appends raw text to a file (a line still being written has no newline yet).
    public static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    // MARK: - Codex 0.147

    private static func legacyHead(_ session: Session) -> String {
        var meta: [String: Any] = [
            "id": session.id, "cwd": session.cwd, "source": session.source, "timestamp": "2026-01-15T10:00:00.000Z",
            "model_provider": "mock", "instructions": String(repeating: "You are Codex. ", count: 1500),
        ]
        if let originator = session.originator { meta["originator"] = originator }
        var text = line("session_meta", meta)
        text += line("turn_context", ["cwd": session.cwd, "model": "gpt-5.5"])
        text += userItem("<environment_context/>", kinds: nil)
        text += promptLines(session.prompt, format: .legacy)
        return text
    }

    // MARK: - Codex 0.151+ (paginated threads)

    /// What 0.163's TUI writes before the first prompt (`0163_rollout_tui_session.jsonl`): `session_meta`
    /// with ~22 KB of base instructions, the turn's start, a developer message of skills and permissions,
    /// the `<environment_context>` user message, the world state and the turn context.
    private static func paginatedHead(_ session: Session) -> String {
        // In Codex's order: the fields the index needs come before the instructions.
        var meta: [(String, Any)] = [
            ("session_id", session.id), ("id", session.id), ("timestamp", "2026-01-15T10:00:00.000Z"), ("cwd", session.cwd),
            ("runtime_workspace_roots", [session.cwd]),
        ]
        if let originator = session.originator { meta.append(("originator", originator)) }
        meta += [
            ("cli_version", "0.163.0"), ("source", session.source), ("thread_source", "user"), ("model_provider", "mock"),
            ("base_instructions", ["text": String(repeating: "You are Codex, a coding agent.\n", count: 700)]),
            ("history_mode", "paginated"), ("git", ["branch": "main", "commit_hash": "c83f4a41b2611ed363762271127541f91cd2f558"]),
        ]
        var text = line("session_meta", ordered: meta)
        text += line("event_msg", ["type": "task_started", "turn_id": "turn-1", "turn_attribution": ["turn_trigger": "user"]])
        text += line(
            "response_item",
            [
                "type": "message", "role": "developer",
                "content": [
                    [
                        "type": "input_text",
                        "text": "<skills_instructions>\n" + filler(session.instructionsBytes) + "</skills_instructions>",
                    ]
                ],
                "internal_chat_message_metadata_passthrough": ["content_item_kinds": ["host_skills.instructions"]],
            ])
        text += userItem(
            "<environment_context>\n  <cwd>\(session.cwd)</cwd>\n  <shell>bash</shell>\n</environment_context>",
            kinds: ["environments.environment_context"])
        text += line("world_state", ["full": true, "state": ["notes": filler(6_000)]])
        text += line(
            "turn_context",
            ["turn_id": "turn-1", "cwd": session.cwd, "model": "gpt-5.5", "approval_policy": "on-request", "notes": filler(3_000)])
        text += line("event_msg", ["type": "thread_settings_applied", "thread_settings": ["model": "gpt-5.5", "notes": filler(2_500)]])
        text += promptLines(session.prompt, format: .paginated)
        return text
    }

    // MARK: - Lines

    /// The thread's usage after the first turn, and after a turn appended by `appendTurn`.
    static let firstUsage = ["input_tokens": 1000, "cached_input_tokens": 200, "output_tokens": 50, "reasoning_output_tokens": 5]
    static let resumedUsage = ["input_tokens": 2000, "cached_input_tokens": 400, "output_tokens": 90, "reasoning_output_tokens": 9]

    /// The lines that carry a prompt: the model's user message, then the event the format records it with.
    private static func promptLines(_ prompt: String, format: Format) -> String {
        switch format {
        case .legacy:
            return userItem(prompt, kinds: nil) + line("event_msg", ["type": "user_message", "message": prompt])
        case .paginated:
            return userItem(prompt, kinds: ["user.text"])
                + line(
                    "event_msg",
                    [
                        "type": "item_completed", "turn_id": "turn-1",
                        "item": [
                            "type": "UserMessage", "id": "item-u", "content": [["type": "text", "text": prompt, "text_elements": []]],
                        ],
                    ])
        }
    }

    /// The end of a turn: the answer, the thread's usage so far and `task_complete`.
    private static func turnEnd(_ format: Format, answer: String, usage: [String: Int]) -> String {
        var text: String
        switch format {
        case .legacy:
            text = line("event_msg", ["type": "agent_message", "message": answer])
        case .paginated:
            text = line(
                "event_msg",
                [
                    "type": "item_completed", "turn_id": "turn-1",
                    "item": ["type": "AgentMessage", "id": "item-a", "content": [["type": "Text", "text": answer]]],
                ])
            text += line(
                "response_item",
                ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": answer, "annotations": []]]])
        }
        text += line(
            "event_msg",
            [
                "type": "token_count",
                "info": ["total_token_usage": usage],
            ])
        text += line("event_msg", ["type": "task_complete", "turn_id": "turn-1", "last_agent_message": answer])
        return text
    }

    /// A user message as the model sees it (`response_item`), with 0.163's content kinds when given.
    private static func userItem(_ text: String, kinds: [String]?) -> String {
        var payload: [String: Any] = ["type": "message", "role": "user", "content": [["type": "input_text", "text": text]]]
        if let kinds { payload["internal_chat_message_metadata_passthrough"] = ["content_item_kinds": kinds] }
        return line("response_item", payload)
    }

    /// Instruction-like text of about `bytes` bytes (escaped newlines, as Codex's are).
    public static func filler(_ bytes: Int) -> String {
        let sentence = "- Follow the repository's conventions; run the tests before you finish.\n"
        return String(repeating: sentence, count: max(1, bytes / sentence.utf8.count))
    }

    /// One line of model traffic (a command's output), about 4 KB.
    static let bulkItem = line(
        "response_item",
        [
            "type": "function_call_output", "call_id": "call_1",
            "output": String(repeating: "build output line\n", count: 200),
        ])

    /// One line as Codex writes it: `timestamp`, `type`, then the payload (its keys sorted).
    public static func line(_ type: String, _ payload: [String: Any]) -> String {
        envelope(type, payload: json(payload))
    }

    /// One line whose payload keeps the given key order (Codex writes `session_meta`'s id and cwd first).
    public static func line(_ type: String, ordered payload: [(String, Any)]) -> String {
        envelope(type, payload: "{" + payload.map { json($0.0) + ":" + json($0.1) }.joined(separator: ",") + "}")
    }

    private static func envelope(_ type: String, payload: String) -> String {
        #"{"timestamp":"2026-01-15T10:00:00.000Z","type":"# + json(type) + #","payload":"# + payload + "}\n"
    }

    private static func json(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
