import CompanionCore
import Foundation

/// The few facts the session index takes from single rollout lines (`{"timestamp", "type", "payload"}`).
/// A byte search first keeps most lines from being read at all; the others are read in place
/// (`JSONView`): only the fields needed become values, the rest (instructions, command output) is skipped.
enum RolloutLine {
    private enum Keys {
        static let turnContext = Array("\"turn_context\"".utf8)
        static let tokenCount = Array("\"token_count\"".utf8)
        static let userMessage = Array("\"user_message\"".utf8)
        static let userMessageItem = Array("\"UserMessage\"".utf8)
        static let userRole = Array("\"role\":\"user\"".utf8)
        static let contentKinds = Array("\"content_item_kinds\"".utf8)
        static let userKind = Array("\"user.".utf8)
        static let taskComplete = Array("\"task_complete\"".utf8)
        static let turnAborted = Array("\"turn_aborted\"".utf8)
    }

    // MARK: - The end of a turn

    /// How a turn ended, from its `event_msg/task_complete` or `event_msg/turn_aborted` line.
    enum TurnEnd: Equatable {
        /// With the turn's last answer, when it gave one.
        case completed(lastAnswer: String?)
        /// Stopped (the person pressed Esc, or the process was interrupted).
        case aborted(reason: String?)
    }

    static func turnEnd(_ line: some ContiguousBytes) -> TurnEnd? {
        guard ByteSearch.contains(line, Keys.taskComplete) || ByteSearch.contains(line, Keys.turnAborted) else { return nil }
        return payload(line, type: "event_msg") { event in
            switch event["type"]?.string {
            case "task_complete": return .completed(lastAnswer: nonEmpty(event["last_agent_message"]?.string))
            case "turn_aborted": return .aborted(reason: event["reason"]?.string)
            default: return nil
            }
        }
    }

    // MARK: - session_meta

    /// Line 1: the thread, where it runs, when it began, and who made it.
    struct SessionMeta: Equatable {
        var id: String
        var cwd: String
        var timestamp: String?
        /// The client that made the thread: `codex-tui`, `codex_exec`, `codex_vscode`, an app-server client's name.
        var originator: String?
        var source: Source?
    }

    /// `session_meta.source`: a plain string for most origins and an object for sub-agents (then its key).
    struct Source: Equatable {
        var name: String
        var isObject = false
    }

    static func sessionMeta(_ line: some ContiguousBytes) -> SessionMeta? {
        payload(line, type: "session_meta") { meta in
            guard let id = meta["id"]?.string, let cwd = meta["cwd"]?.string else { return nil }
            var source: Source?
            if let value = meta["source"] {
                source =
                    value.isObject ? Source(name: value.keys.sorted().first ?? "", isObject: true) : value.string.map { Source(name: $0) }
            }
            return SessionMeta(
                id: id, cwd: cwd, timestamp: meta["timestamp"]?.string, originator: meta["originator"]?.string, source: source)
        }
    }

    // MARK: - turn_context, token_count

    /// The working directory of a `turn_context` line.
    static func turnContextCwd(_ line: some ContiguousBytes) -> String? {
        guard ByteSearch.contains(line, Keys.turnContext) else { return nil }
        return payload(line, type: "turn_context") { $0["cwd"]?.string }
    }

    /// The thread's usage so far, from an `event_msg/token_count` line.
    static func tokenUsage(_ line: some ContiguousBytes) -> TokenUsage? {
        guard ByteSearch.contains(line, Keys.tokenCount) else { return nil }
        return payload(line, type: "event_msg") { event in
            guard event["type"]?.string == "token_count", let total = event["info"]?["total_token_usage"], total.isObject else {
                return nil
            }
            return TokenUsage(
                inputTokens: total["input_tokens"]?.int ?? 0, cachedInputTokens: total["cached_input_tokens"]?.int ?? 0,
                outputTokens: total["output_tokens"]?.int ?? 0, reasoningOutputTokens: total["reasoning_output_tokens"]?.int ?? 0)
        }
    }

    // MARK: - Prompts

    /// The text of a prompt event: `event_msg/user_message` (Codex before 0.151), or
    /// `event_msg/item_completed` with a `UserMessage` item (0.151+; its text parts joined).
    static func promptEvent(_ line: some ContiguousBytes) -> String? {
        guard ByteSearch.contains(line, Keys.userMessage) || ByteSearch.contains(line, Keys.userMessageItem) else { return nil }
        return payload(line, type: "event_msg") { event in
            switch event["type"]?.string {
            case "user_message": return personal(event["message"]?.string)
            case "item_completed":
                guard let item = event["item"], item["type"]?.string == "UserMessage" else { return nil }
                return personal(texts(item["content"]))
            default: return nil
            }
        }
    }

    /// The text, unless it is empty or Codex's own recovery message.
    private static func personal(_ text: String?) -> String? {
        guard let text = nonEmpty(text), !CodexRecovery.isRecoveryPrompt(text) else { return nil }
        return text
    }

    /// How the messages Codex adds in the user's name begin (0.147 marks them no other way), the daemon's
    /// own "resume the interrupted work" message among them.
    static let contextMarkers = [
        "<environment_context>", "<environment_context/>", "<user_instructions>", "# AGENTS.md instructions", "<INSTRUCTIONS>",
        "<user_shell_command>", "<turn_aborted>", "<subagent_notification>", "<skills_instructions>", CodexRecovery.promptStart,
    ]

    /// Whether the line can be a `response_item` user message that the user wrote, from its bytes alone.
    /// 0.151+ says what each part of a message is (the user's own are `user.*`), so its context messages
    /// are passed over here.
    static func mayBeUserItem(_ line: some ContiguousBytes) -> Bool {
        ByteSearch.contains(line, Keys.userRole)
            && !(ByteSearch.contains(line, Keys.contentKinds) && !ByteSearch.contains(line, Keys.userKind))
    }

    /// The text of a `response_item` user message that the user wrote, not one of the messages Codex
    /// adds as the user (`<environment_context>`, AGENTS.md instructions…).
    static func userItem(_ line: some ContiguousBytes) -> String? {
        guard mayBeUserItem(line) else { return nil }
        return payload(line, type: "response_item") { item in
            guard item["type"]?.string == "message", item["role"]?.string == "user" else { return nil }
            if let kinds = item["internal_chat_message_metadata_passthrough"]?["content_item_kinds"]?.elements.compactMap(\.string),
                !kinds.contains(where: { $0.hasPrefix("user.") })
            {
                return nil
            }
            guard let text = nonEmpty(texts(item["content"])) else { return nil }
            return contextMarkers.contains(where: text.hasPrefix) ? nil : text
        }
    }

    // MARK: - Reading

    /// `body` on the payload of a line of this type (nil for another type, or a line that is no object).
    private static func payload<T>(_ line: some ContiguousBytes, type: String, _ body: (JSONView) -> T?) -> T? {
        JSONView.read(line) { root in
            guard let root, root["type"]?.string == type, let payload = root["payload"], payload.isObject else { return nil }
            return body(payload)
        }
    }

    /// The `text` of each part of a message's `content`, joined by newlines (image parts have none).
    private static func texts(_ content: JSONView?) -> String {
        (content?.elements ?? []).compactMap { $0["text"]?.string }.joined(separator: "\n")
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
