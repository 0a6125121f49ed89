/// A failed Bot API call, with the token already removed from every text. What to do about one is
/// `TelegramRetryPolicy`'s decision; the properties here only classify it.
public enum TelegramAPIError: Error, Equatable, CustomStringConvertible {
    /// Telegram answered `{"ok": false, …}`.
    case api(code: Int, description: String, retryAfter: Int?)
    /// No usable answer: network error, timeout, or a non-JSON body (a proxy's HTML error page).
    case transport(String)
    /// Telegram answered `{"ok": true, …}` but the result does not have the shape the method returns.
    /// The call took effect, so it is not repeated (a resent message would arrive twice).
    case unexpectedResult(String)

    public var description: String {
        switch self {
        case .api(let code, let description, let retryAfter):
            return "Telegram error \(code): \(description)" + (retryAfter.map { " (retry after \($0) s)" } ?? "")
        case .transport(let detail):
            return "Telegram unreachable: \(detail)"
        case .unexpectedResult(let detail):
            return "Telegram answered in an unexpected shape: \(detail)"
        }
    }

    /// 401/404 mean the token is wrong: retrying cannot help.
    public var isBadToken: Bool {
        if case .api(let code, _, _) = self { return code == 401 || code == 404 }
        return false
    }

    /// A 429's `retry_after` in seconds (1 when Telegram sent none); nil for every other error.
    public var retryAfter: Int? {
        if case .api(429, _, let seconds) = self { return seconds ?? 1 }
        return nil
    }

    /// Trouble on Telegram's side or on the way there: 5xx, network errors, non-JSON answers.
    public var isTransient: Bool {
        switch self {
        case .transport: return true
        case .api(let code, _, _): return code >= 500
        case .unexpectedResult: return false
        }
    }

    /// Telegram could not parse the HTML of a message.
    public var isEntityParseError: Bool {
        if case .api(400, let description, _) = self { return description.contains("can't parse entities") }
        return false
    }

    /// An edit that would leave the message as it is.
    public var isMessageNotModified: Bool {
        if case .api(400, let description, _) = self { return description.contains("message is not modified") }
        return false
    }

    /// A button tap answered too late, or twice: harmless, the spinner has stopped by itself.
    public var isStaleCallbackQuery: Bool {
        if case .api(400, let description, _) = self {
            return description.contains("query is too old") || description.contains("query ID is invalid")
        }
        return false
    }
}
