import CompanionCore
import Foundation

/// The few facts the session index takes from single rollout lines (`{"timestamp", "type", "payload"}`),
/// each decoded with a type that names only the fields it needs: the decoder skips the rest (instructions,
/// command output) without building it, and a byte search first keeps most lines from being decoded at all.
enum RolloutLine {
    private enum Keys {
        static let turnContext = Array("\"turn_context\"".utf8)
        static let tokenCount = Array("\"token_count\"".utf8)
        static let userMessage = Array("\"user_message\"".utf8)
        static let userMessageItem = Array("\"UserMessage\"".utf8)
        static let userRole = Array("\"role\":\"user\"".utf8)
        static let contentKinds = Array("\"content_item_kinds\"".utf8)
        static let userKind = Array("\"user.".utf8)
        static let baseInstructions = Array(",\"base_instructions\":".utf8)
    }

    // MARK: - session_meta

    /// Line 1: the thread, where it runs, when it began, and who made it.
    struct SessionMeta: Decodable {
        var id: String
        var cwd: String
        var timestamp: String?
        /// The client that made the thread: `codex-tui`, `codex_exec`, `codex_vscode`, an app-server client's name.
        var originator: String?
        var source: Source?
    }

    /// `session_meta.source`: a plain string for most origins and an object for sub-agents.
    struct Source: Decodable {
        var name: String
        var isObject = false

        init(name: String, isObject: Bool = false) {
            self.name = name
            self.isObject = isObject
        }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                name = text
            } else {
                let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).sorted()
                name = keys.first ?? ""
                isObject = true
            }
        }

        private struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    /// Codex writes the fields needed before its instructions (`base_instructions`, 20 KB and more), so
    /// they are decoded from the line cut there when that gives them all; otherwise from the whole line.
    static func sessionMeta(_ line: some ContiguousBytes) -> SessionMeta? {
        if let cut = ByteSearch.firstOffset(of: Keys.baseInstructions, in: line) {
            let head = line.withUnsafeBytes { Data($0.prefix(cut)) } + Data("}}".utf8)
            if let meta = decode(head, type: "session_meta", as: SessionMeta.self), meta.timestamp != nil, meta.originator != nil,
                meta.source != nil
            {
                return meta
            }
        }
        return decode(line, type: "session_meta", as: SessionMeta.self)
    }

    // MARK: - turn_context, token_count

    private struct TurnContext: Decodable {
        var cwd: String?
    }

    /// The working directory of a `turn_context` line.
    static func turnContextCwd(_ line: some ContiguousBytes) -> String? {
        guard ByteSearch.contains(line, Keys.turnContext) else { return nil }
        return decode(line, type: "turn_context", as: TurnContext.self)?.cwd
    }

    private struct TokenCount: Decodable {
        struct Info: Decodable {
            var totalTokenUsage: Usage?

            enum CodingKeys: String, CodingKey {
                case totalTokenUsage = "total_token_usage"
            }
        }

        struct Usage: Decodable {
            var inputTokens: Int?
            var cachedInputTokens: Int?
            var outputTokens: Int?
            var reasoningOutputTokens: Int?

            enum CodingKeys: String, CodingKey {
                case inputTokens = "input_tokens"
                case cachedInputTokens = "cached_input_tokens"
                case outputTokens = "output_tokens"
                case reasoningOutputTokens = "reasoning_output_tokens"
            }
        }

        var type: String
        var info: Info?
    }

    /// The thread's usage so far, from an `event_msg/token_count` line.
    static func tokenUsage(_ line: some ContiguousBytes) -> TokenUsage? {
        guard ByteSearch.contains(line, Keys.tokenCount), let event = decode(line, type: "event_msg", as: TokenCount.self),
            event.type == "token_count", let total = event.info?.totalTokenUsage
        else { return nil }
        return TokenUsage(
            inputTokens: total.inputTokens ?? 0, cachedInputTokens: total.cachedInputTokens ?? 0,
            outputTokens: total.outputTokens ?? 0, reasoningOutputTokens: total.reasoningOutputTokens ?? 0)
    }

    // MARK: - Prompts

    /// A part of a message's `content`; image parts have no text.
    private struct Part: Decodable {
        var text: String?
    }

    private struct PromptEvent: Decodable {
        struct Item: Decodable {
            var type: String
            var content: [Part]?
        }

        var type: String
        var message: String?
        var item: Item?
    }

    /// The text of a prompt event: `event_msg/user_message` (Codex before 0.151), or
    /// `event_msg/item_completed` with a `UserMessage` item (0.151+; its text parts joined).
    static func promptEvent(_ line: some ContiguousBytes) -> String? {
        guard ByteSearch.contains(line, Keys.userMessage) || ByteSearch.contains(line, Keys.userMessageItem),
            let event = decode(line, type: "event_msg", as: PromptEvent.self)
        else { return nil }
        switch event.type {
        case "user_message": return nonEmpty(event.message)
        case "item_completed" where event.item?.type == "UserMessage": return nonEmpty(joined(event.item?.content))
        default: return nil
        }
    }

    private struct ResponseMessage: Decodable {
        struct Metadata: Decodable {
            var contentItemKinds: [String]?

            enum CodingKeys: String, CodingKey {
                case contentItemKinds = "content_item_kinds"
            }
        }

        var type: String
        var role: String?
        var content: [Part]?
        var metadata: Metadata?

        enum CodingKeys: String, CodingKey {
            case type, role, content
            case metadata = "internal_chat_message_metadata_passthrough"
        }
    }

    /// How the messages Codex adds in the user's name begin (0.147 marks them no other way).
    static let contextMarkers = [
        "<environment_context>", "<environment_context/>", "<user_instructions>", "# AGENTS.md instructions", "<INSTRUCTIONS>",
        "<user_shell_command>", "<turn_aborted>", "<subagent_notification>", "<skills_instructions>",
    ]

    /// The text of a `response_item` user message that the user wrote, not one of the messages Codex
    /// adds as the user (`<environment_context>`, AGENTS.md instructions…).
    static func userItem(_ line: some ContiguousBytes) -> String? {
        guard ByteSearch.contains(line, Keys.userRole) else { return nil }
        // 0.151+ says what each part is: the user's own are `user.*`. Codex's context messages are
        // passed over without decoding them.
        if ByteSearch.contains(line, Keys.contentKinds), !ByteSearch.contains(line, Keys.userKind) { return nil }
        guard let item = decode(line, type: "response_item", as: ResponseMessage.self), item.type == "message", item.role == "user"
        else { return nil }
        if let kinds = item.metadata?.contentItemKinds,
            !kinds.contains(where: { $0.hasPrefix("user.") })
        {
            return nil
        }
        guard let text = nonEmpty(joined(item.content)) else { return nil }
        return contextMarkers.contains(where: text.hasPrefix) ? nil : text
    }

    // MARK: - Decoding

    private struct Envelope<Payload: Decodable>: Decodable {
        var type: String
        var payload: Payload
    }

    /// The payload of a line of this type, or nil for another type or another shape.
    private static func decode<Payload: Decodable>(_ line: some ContiguousBytes, type: String, as _: Payload.Type) -> Payload? {
        let data = line as? Data ?? line.withUnsafeBytes { Data($0) }
        guard let envelope = try? JSONDecoder().decode(Envelope<Payload>.self, from: data), envelope.type == type else { return nil }
        return envelope.payload
    }

    /// The text parts joined by newlines.
    private static func joined(_ parts: [Part]?) -> String {
        (parts ?? []).compactMap(\.text).joined(separator: "\n")
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
