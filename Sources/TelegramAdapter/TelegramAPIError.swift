/// A failed Bot API call, with the token already removed from every text.
public enum TelegramAPIError: Error, Equatable, CustomStringConvertible {
    /// Telegram answered `{"ok": false, …}`.
    case api(code: Int, description: String, retryAfter: Int?)
    /// No usable answer: network error, timeout, or a non-JSON body (a proxy's HTML error page).
    case transport(String)

    public var description: String {
        switch self {
        case .api(let code, let description, let retryAfter):
            return "Telegram error \(code): \(description)" + (retryAfter.map { " (retry after \($0) s)" } ?? "")
        case .transport(let detail):
            return "Telegram unreachable: \(detail)"
        }
    }

    /// 401/404 mean the token is wrong: retrying cannot help.
    public var isBadToken: Bool {
        if case .api(let code, _, _) = self { return code == 401 || code == 404 }
        return false
    }

    public var retryAfter: Int? {
        if case .api(429, _, let seconds) = self { return seconds ?? 1 }
        return nil
    }

    /// Worth retrying after a pause: 5xx, network trouble.
    public var isTransient: Bool {
        switch self {
        case .transport: return true
        case .api(let code, _, _): return code >= 500
        }
    }

    public var isEntityParseError: Bool {
        if case .api(400, let description, _) = self { return description.contains("can't parse entities") }
        return false
    }
}
