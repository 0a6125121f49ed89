/// Who asked for a task: recorded with it, shown in listings, and used to route its result.
public enum Requester: Sendable, Hashable {
    /// `codex-companion run` in a terminal.
    case cli
    /// A Telegram private chat.
    case telegram(chatID: Int64)
    /// The local web dashboard.
    case dashboard
    /// The user's own Codex terminal, for a turn it runs (seen through Codex's daemon): no task of ours.
    case desk

    /// The Telegram chat the result goes to, if it came from one.
    public var chatID: Int64? {
        if case .telegram(let chatID) = self { return chatID }
        return nil
    }

    public var kind: Kind {
        switch self {
        case .cli: .cli
        case .telegram: .telegram
        case .dashboard: .dashboard
        case .desk: .desk
        }
    }

    /// The kind of client, without its address: what a session's origin records.
    public enum Kind: String, Sendable, Hashable {
        case cli, telegram, dashboard, desk
    }

    // The one place a requester becomes text and back: `cli`, `telegram:<chat id>`, `dashboard`, `desk`.
    public var stored: String {
        switch self {
        case .cli: "cli"
        case .telegram(let chatID): "telegram:\(chatID)"
        case .dashboard: "dashboard"
        case .desk: "desk"
        }
    }

    /// Reads a stored requester; anything unreadable counts as the CLI (it has no chat to answer).
    public init(stored: String) {
        if stored.hasPrefix("telegram:"), let chatID = Int64(stored.dropFirst("telegram:".count)) {
            self = .telegram(chatID: chatID)
        } else if stored == "dashboard" {
            self = .dashboard
        } else if stored == "desk" {
            self = .desk
        } else {
            self = .cli
        }
    }
}
