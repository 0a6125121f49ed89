import Foundation

/// Turns JSONL lines from `codex exec --json` into `CodexEvent`s.
///
/// Lenient by design: newer Codex versions add event types, item types and fields, and some items carry
/// a duplicate `"id"` key. Unknown types decode to `.unknown`; only a line that is not JSON is an error.
public struct CodexEventDecoder: Sendable {
    public struct InvalidLine: Error, Equatable {
        public var line: String
    }

    public init() {}

    public func decode(line: String) throws -> CodexEvent? {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let raw: RawEvent
        do {
            raw = try JSONDecoder().decode(RawEvent.self, from: Data(trimmed.utf8))
        } catch {
            throw InvalidLine(line: String(trimmed.prefix(200)))
        }
        return raw.event
    }
}

/// The wire shape, every field optional so that nothing Codex adds or drops breaks decoding.
private struct RawEvent: Decodable {
    var type: String
    var thread_id: String?
    var item: RawItem?
    var usage: RawUsage?
    var error: RawMessage?
    var message: String?

    var event: CodexEvent {
        switch type {
        case "thread.started": return .threadStarted(threadID: thread_id ?? "")
        case "turn.started": return .turnStarted
        case "item.started": return item.map { .itemStarted($0.item) } ?? .unknown(type: type)
        case "item.updated": return item.map { .itemUpdated($0.item) } ?? .unknown(type: type)
        case "item.completed": return item.map { .itemCompleted($0.item) } ?? .unknown(type: type)
        case "turn.completed": return .turnCompleted(usage: usage?.usage ?? .zero)
        case "turn.failed": return .turnFailed(message: error?.message ?? message ?? "Codex reported a failed turn")
        case "error": return .error(message: message ?? error?.message ?? "")
        default: return .unknown(type: type)
        }
    }
}

private struct RawMessage: Decodable {
    var message: String?
}

private struct RawUsage: Decodable {
    var input_tokens: Int?
    var cached_input_tokens: Int?
    var output_tokens: Int?
    var reasoning_output_tokens: Int?

    var usage: TokenUsage {
        TokenUsage(
            inputTokens: input_tokens ?? 0, cachedInputTokens: cached_input_tokens ?? 0,
            outputTokens: output_tokens ?? 0, reasoningOutputTokens: reasoning_output_tokens ?? 0)
    }
}

private struct RawItem: Decodable {
    var id: String?
    var type: String?
    var text: String?
    var command: String?
    var aggregated_output: String?
    var exit_code: Int?
    var status: String?
    var changes: [RawChange]?
    var server: String?
    var tool: String?
    var error: RawToolError?
    var query: String?
    var items: [RawTodo]?
    var message: String?

    var item: CodexItem {
        CodexItem(id: id ?? "", kind: kind)
    }

    private var kind: CodexItem.Kind {
        switch type ?? "" {
        case "agent_message": return .agentMessage(text: text ?? "")
        case "reasoning": return .reasoning(text: text ?? "")
        case "command_execution":
            return .commandExecution(
                CommandExecution(
                    command: command ?? "", aggregatedOutput: aggregated_output ?? "",
                    exitCode: exit_code, status: ItemStatus(codexValue: status, default: .inProgress)))
        case "file_change":
            let list = (changes ?? []).map { FileChange(path: $0.path ?? "", kind: FileChangeKind(codexValue: $0.kind)) }
            return .fileChange(changes: list, status: ItemStatus(codexValue: status, default: .completed))
        case "mcp_tool_call":
            return .mcpToolCall(server: server ?? "", tool: tool ?? "", status: status ?? "", error: error?.message)
        case "web_search": return .webSearch(query: query ?? "")
        case "todo_list": return .todoList((items ?? []).map { TodoItem(text: $0.text ?? "", completed: $0.completed ?? false) })
        case "collab_tool_call": return .collabToolCall
        case "error": return .error(message: message ?? text ?? "")
        default: return .unknown(type: type ?? "")
        }
    }
}

private struct RawChange: Decodable {
    var path: String?
    var kind: String?
}

private struct RawTodo: Decodable {
    var text: String?
    var completed: Bool?
}

/// MCP errors come as an object or a plain string depending on the version.
private struct RawToolError: Decodable {
    var message: String?

    init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            message = text
            return
        }
        let keyed = try? decoder.container(keyedBy: Key.self)
        message = try? keyed?.decodeIfPresent(String.self, forKey: .message)
    }

    private enum Key: String, CodingKey { case message }
}
