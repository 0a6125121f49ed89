import Foundation

/// The words for which session a task runs in, in every view that says so: the progress message, the
/// result card, /last's header, the CLI's first line and session listings.
public enum SessionText {
    /// The progress message's second line, and the CLI's first: said before Codex answers.
    public static func starting(_ note: SessionNote) -> String {
        switch note {
        case .new: return "New Codex session"
        case .newBecauseNoneFound: return "New Codex session (none existed in this project)"
        case .continued(let session, let origin):
            let prompt = session.firstPrompt.map { " \"\(PromptPreview.firstLine($0, limit: 40))\"" } ?? ""
            return "Continuing session \(session.shortID), started \(started(origin))\(prompt)"
        case .forked(let source):
            return "New Codex session, forked from session \(shortID(source))"
        case .atTheDesk(let thread):
            return "At the desk, session \(shortID(thread))"
        }
    }

    /// The result card's session line. The age of a continued session is taken at the task's start, so
    /// the line reads the same live and in /last a day later.
    public static func card(_ report: TaskReport) -> String {
        let id = report.threadID.map { String($0.suffix(8)) } ?? "none"
        switch report.session {
        case .new:
            return "New session \(id)"
        case .newBecauseNoneFound:
            return "New session \(id) (no earlier session in this repository)"
        case .continued(let session, let origin):
            guard session.lastUsedAt > .distantPast else { return "Continued session \(session.shortID) (started \(started(origin)))" }
            let idle = Durations.short(max(0, report.startedAt.timeIntervalSince(session.lastUsedAt)))
            return "Continued session \(session.shortID) (started \(started(origin)), last used \(idle) before)"
        case .forked(let source):
            return "New session \(id), forked from session \(shortID(source))"
        case .atTheDesk(let thread):
            return "🖥 From the terminal · session \(shortID(thread))"
        }
    }

    /// A few words for /last's header.
    public static func brief(_ note: SessionNote, threadID: String?) -> String {
        let id = threadID.map { String($0.suffix(8)) }
        switch note {
        case .new, .newBecauseNoneFound: return id.map { "new session \($0)" } ?? "new session"
        case .continued(let session, _): return "continued session \(session.shortID)"
        case .forked(let source): return (id.map { "new session \($0)" } ?? "new session") + ", a fork of \(shortID(source))"
        case .atTheDesk(let thread): return "session \(shortID(thread)) at the desk"
        }
    }

    /// A thread id as sessions are named to people: its last eight characters.
    static func shortID(_ threadID: String) -> String {
        String(threadID.suffix(8))
    }

    /// Where a session was started, after "started": "in the terminal", "from Telegram"…
    public static func started(_ origin: SessionOrigin) -> String {
        switch origin {
        case .companion(.telegram): return "from Telegram"
        case .companion(.cli): return "from the companion CLI"
        case .companion(.dashboard): return "from the dashboard"
        case .companion(.desk): return "in the terminal"
        case .codex(let source):
            switch source {
            case "cli": return "in the terminal"
            case "exec": return "with codex exec"
            case "vscode": return "in VS Code"
            case "companion": return "by the companion"
            case "": return "elsewhere"
            default: return "in \(source)"
            }
        }
    }

    /// One word for session listings: `telegram`, `companion-cli`, `dashboard`, `terminal`, or Codex's source
    /// (`exec`, `vscode`, `companion` when the companion's own task is not known any more…).
    public static func label(_ origin: SessionOrigin) -> String {
        switch origin {
        case .companion(.telegram): "telegram"
        case .companion(.cli): "companion-cli"
        case .companion(.dashboard): "dashboard"
        case .companion(.desk): "terminal"
        case .codex(let source): source == "cli" ? "terminal" : source.isEmpty ? "unknown" : source
        }
    }
}
