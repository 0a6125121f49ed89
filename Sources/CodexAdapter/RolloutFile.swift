import CompanionCore
import Foundation

/// Reads the facts a session listing needs from one rollout file. Each line is
/// `{"timestamp", "type", "payload"}`; only the few line types we need are decoded.
enum RolloutFile {
    static func read(_ url: URL, modifiedAt: Date) -> CodexSession? {
        guard let data = try? Data(contentsOf: url, options: .mappedIfSafe) else { return nil }
        var id: String?
        var cwd: String?
        var source = ""
        var startedAt: Date?
        var firstPrompt: String?
        var usage: TokenUsage?

        for lineData in data.split(separator: UInt8(ascii: "\n")) {
            // Cheap filter before decoding: most lines are model traffic we do not need.
            guard let line = String(data: Data(lineData), encoding: .utf8) else { continue }
            let wanted = line.contains("\"session_meta\"") || line.contains("\"turn_context\"")
                || (firstPrompt == nil && line.contains("\"user_message\"")) || line.contains("\"token_count\"")
            guard wanted,
                  let object = (try? JSONSerialization.jsonObject(with: Data(lineData))) as? [String: Any],
                  let type = object["type"] as? String,
                  let payload = object["payload"] as? [String: Any] else { continue }
            switch type {
            case "session_meta":
                id = id ?? (payload["id"] as? String)
                cwd = cwd ?? (payload["cwd"] as? String)
                source = sourceName(payload["source"]) ?? source
                startedAt = (payload["timestamp"] as? String).flatMap(parseTimestamp)
            case "turn_context":
                if let turnCwd = payload["cwd"] as? String { cwd = turnCwd }
            case "event_msg":
                switch payload["type"] as? String {
                case "user_message" where firstPrompt == nil:
                    firstPrompt = (payload["message"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
                case "token_count":
                    if let info = payload["info"] as? [String: Any], let total = info["total_token_usage"] as? [String: Any] {
                        usage = TokenUsage(inputTokens: total["input_tokens"] as? Int ?? 0,
                                           cachedInputTokens: total["cached_input_tokens"] as? Int ?? 0,
                                           outputTokens: total["output_tokens"] as? Int ?? 0,
                                           reasoningOutputTokens: total["reasoning_output_tokens"] as? Int ?? 0)
                    }
                default:
                    break
                }
            default:
                break
            }
        }
        guard let id, let cwd else { return nil }
        return CodexSession(id: id, cwd: cwd, startedAt: startedAt, lastUsedAt: modifiedAt, firstPrompt: firstPrompt,
                            source: source, cumulativeUsage: usage)
    }

    /// `source` is a plain string for most origins and an object for sub-agents.
    private static func sourceName(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let object = value as? [String: Any], let key = object.keys.sorted().first { return key }
        return nil
    }

    private static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
