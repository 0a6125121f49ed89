/// Which session a task runs in, and why.
public enum SessionNote: Sendable, Equatable {
    /// The user asked for a new session.
    case new
    /// The user asked to continue, but the repository had no session yet.
    case newBecauseNoneFound
    /// An existing session was resumed.
    case continued(CodexSession, origin: SessionOrigin)
    /// A new session that starts as a copy of `fromThreadID` (Codex's `thread/fork`): the way on when
    /// that session is busy in a Codex process the companion cannot reach.
    case forked(fromThreadID: String)
    /// Not the companion's task: a turn that ran at the desk (the terminal UI, through Codex's daemon).
    case atTheDesk(threadID: String)

    /// The thread the task resumes, if it continues one.
    public var resumedThreadID: String? {
        if case .continued(let session, _) = self { return session.id }
        return nil
    }

    /// The thread the task's new session is forked from, if it is a fork.
    public var forkedThreadID: String? {
        if case .forked(let thread) = self { return thread }
        return nil
    }
}

/// Where a session was started: by a companion client (the first task the companion ran on it), or by
/// Codex itself (terminal, `codex exec`, an IDE), as its rollout file records.
public enum SessionOrigin: Sendable, Equatable {
    case companion(Requester.Kind)
    /// Codex's own word for the client: `cli`, `exec`, `vscode`… (empty when unknown).
    case codex(source: String)

    /// The companion's requester wins: it knows that `exec` sessions it started came from a phone.
    public static func of(_ session: CodexSession, firstRequester: Requester?) -> SessionOrigin {
        if let firstRequester { return .companion(firstRequester.kind) }
        return .codex(source: session.source)
    }

    // The one place an origin becomes text and back: `companion:telegram`, `codex:cli`…
    public var stored: String {
        switch self {
        case .companion(let kind): "companion:\(kind.rawValue)"
        case .codex(let source): "codex:\(source)"
        }
    }

    /// Reads a stored origin. Rows written before origins were typed hold the English words of that
    /// time ("from Telegram", "in the terminal"…); those are read back too.
    public init(stored: String) {
        if stored.hasPrefix("companion:"), let kind = Requester.Kind(rawValue: String(stored.dropFirst("companion:".count))) {
            self = .companion(kind)
        } else if stored.hasPrefix("codex:") {
            self = .codex(source: String(stored.dropFirst("codex:".count)))
        } else {
            switch stored {
            case "from Telegram": self = .companion(.telegram)
            case "from the companion CLI": self = .companion(.cli)
            case "in the terminal": self = .codex(source: "cli")
            case "with codex exec": self = .codex(source: "exec")
            case "in VS Code": self = .codex(source: "vscode")
            default: self = .codex(source: stored.hasPrefix("in ") ? String(stored.dropFirst(3)) : "")
            }
        }
    }
}
