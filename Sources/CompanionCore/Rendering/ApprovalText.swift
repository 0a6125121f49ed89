import Foundation

/// Every text about an approval request: the request message with its buttons, the line it becomes once
/// decided or expired, the progress message's waiting line, and the audit detail.
public enum ApprovalText {
    /// The request as the user sees it: what Codex wants to do, where, why, and for which task.
    public static func request(_ pending: PendingApproval) -> RenderedMessage {
        var plain: [String] = []
        var html: [String] = []
        let task = pending.task
        let heading = "🔐 Codex asks for approval · \(task.request.project.name) · \(whose(pending))"
        plain.append(heading)
        html.append("<b>\(TelegramHTML.escape(heading))</b>")
        switch pending.request.action {
        case .command(let command, let cwd):
            let (shown, leftOut) = commandShown(command)
            plain.append("Run:\n\(shown)")
            html.append("Run:\n<pre>\(TelegramHTML.escape(shown))</pre>")
            if leftOut > 0 {
                let warning =
                    "⚠️ Too long to show whole: \(leftOut) characters are left out above. The whole command is attached: read it before you approve."
                plain.append(warning)
                html.append("<b>\(TelegramHTML.escape(warning))</b>")
            }
            if let cwd {
                let place = VisibleText(ReportText.relative(cwd, to: task.request.project.repoPath)).text
                let text = cwd == task.request.project.repoPath ? "the repository" : place
                plain.append("In: \(text)")
                html.append("In: <code>\(TelegramHTML.escape(text))</code>")
            }
        case .fileChange(let changes, let diff):
            let files = changes.map { "\($0.marker) \(VisibleText(ReportText.relative($0.path, to: task.request.project.repoPath)).text)" }
            let list = files.isEmpty ? "(files not named)" : files.prefix(10).joined(separator: "\n")
            plain.append("Change files:\n\(list)")
            html.append("Change files:\n\(TelegramHTML.escape(list))")
            if files.count > 10 {
                plain.append("… and \(files.count - 10) more")
                html.append("… and \(files.count - 10) more")
            }
            if let diff, let summary = diffSummary(diff) {
                plain.append(summary + " (the whole diff is attached)")
                html.append(TelegramHTML.escape(summary + " (the whole diff is attached)"))
            }
        }
        if let reason = pending.request.reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty {
            let short = ReportText.shorten(VisibleText(reason).shortened(to: 300).text, to: 400)
            plain.append("Why: \(short)")
            html.append("Why: <i>\(TelegramHTML.escape(short))</i>")
        }
        if !pending.isFromTheDesk {
            plain.append("Task: \"\(PromptPreview.firstLine(task.request.prompt, limit: 60))\"")
            html.append("Task: \(TelegramHTML.escape("\"\(PromptPreview.firstLine(task.request.prompt, limit: 60))\""))")
        }
        let footer = footer(pending)
        plain.append(footer)
        html.append("<i>\(footer)</i>")
        return RenderedMessage(html: html.joined(separator: "\n"), plain: plain.joined(separator: "\n"))
    }

    /// "task #12", or where a desk turn runs.
    public static func whose(_ pending: PendingApproval) -> String {
        switch pending.origin {
        case .task: "task #\(pending.task.id)"
        case .desk(let thread, _): "at the terminal, session \(SessionText.shortID(thread))"
        }
    }

    /// The request message's last line, while it waits: what happens if nobody answers.
    static func footer(_ pending: PendingApproval) -> String {
        guard !pending.isFromTheDesk else {
            return "Codex waits at the terminal too: the first answer, there or here, counts. Nothing is decided on a timer."
        }
        return "Declined by itself if nobody answers within \(Durations.limit(pending.expiresAt.timeIntervalSince(pending.askedAt)))."
    }

    /// The longest command a request message shows whole; a longer one is shown by its start and end.
    public static let commandLimit = 600

    /// The command as the request shows it (invisible characters and long runs made visible, start and
    /// end kept), and how many characters were left out.
    static func commandShown(_ command: String) -> (text: String, leftOut: Int) {
        VisibleText(CommandText.display(command)).shortened(to: commandLimit)
    }

    /// What a request message cannot show whole, as a file to send with it: the whole command when it
    /// was shortened, the whole diff of a file change. Invisible characters are written out in it too.
    public static func attachment(_ pending: PendingApproval) -> ApprovalAttachment? {
        let name = "approval-task\(pending.task.id)-\(pending.id.sequence)"
        switch pending.request.action {
        case .command(let command, _):
            let visible = VisibleText(CommandText.display(command))
            guard visible.count > commandLimit else { return nil }
            return ApprovalAttachment(
                fileName: name + ".txt", title: "The whole command",
                contents: "The command Codex asks to run (\(visible.count) characters; invisible characters and long runs of "
                    + "spaces are written out as ⟨…⟩):\n\n" + visible.text + "\n")
        case .fileChange(_, let diff):
            guard let diff, !diff.isEmpty else { return nil }
            return ApprovalAttachment(
                fileName: name + ".patch", title: "The whole diff", contents: VisibleText(diff, collapsingRuns: false).text)
        }
    }

    /// The request message when its attachment could not be sent: it says so, and why it cannot be
    /// approved here.
    public static func withoutAttachment(_ message: RenderedMessage) -> RenderedMessage {
        let line = "⚠️ The attachment could not be sent, so this request can only be denied here. Approve it on the dashboard."
        return RenderedMessage(html: message.html + "\n<b>\(TelegramHTML.escape(line))</b>", plain: message.plain + "\n" + line)
    }

    /// The button titles, in the order shown.
    public static func buttonTitle(_ decision: ApprovalDecision) -> String {
        switch decision {
        case .accept: "✅ Approve"
        case .acceptForSession: "✅ Approve for this session"
        case .decline: "🚫 Deny"
        case .cancel: "⏹ Stop the task"
        }
    }

    /// The request message once it is over: the request without its footer, and what happened.
    public static func concluded(
        _ pending: PendingApproval, _ outcome: ApprovalOutcome, timeZone: TimeZone = .current
    )
        -> RenderedMessage
    {
        var message = request(pending)
        let footer = footer(pending)
        if let range = message.plain.range(of: "\n" + footer, options: .backwards) {
            message.plain = String(message.plain[..<range.lowerBound])
        }
        if let range = message.html.range(of: "\n<i>" + footer, options: .backwards) {
            message.html = String(message.html[..<range.lowerBound])
        }
        let line = outcomeLine(outcome, timeZone: timeZone)
        message.plain += "\n\n" + line
        message.html += "\n\n<b>\(TelegramHTML.escape(line))</b>"
        return message
    }

    /// "✅ Approved by you at 10:42", "⌛ Declined: nobody answered within 10 min"…
    public static func outcomeLine(_ outcome: ApprovalOutcome, timeZone: TimeZone = .current) -> String {
        switch outcome {
        case .expired(let at):
            return "⌛ Expired at \(clockTime(at, timeZone)): the turn ended before anyone answered."
        case .decidedAtTheDesk(let at):
            return "🖥 Decided at the terminal at \(clockTime(at, timeZone))."
        case .decided(let decision, let decider, let at):
            let when = clockTime(at, timeZone)
            switch decider {
            case .timeout:
                return "⌛ Declined at \(when): nobody answered in time."
            case .taskStopped:
                return "⏹ Not run: the task stopped at \(when)."
            case .desk:
                return "🖥 Decided at the terminal at \(when)."
            case .user(let requester, _):
                let who = requesterWords(requester)
                switch decision {
                case .accept: return "✅ Approved \(who) at \(when)."
                case .acceptForSession: return "✅ Approved for this session \(who) at \(when)."
                case .decline: return "🚫 Denied \(who) at \(when)."
                case .cancel: return "⏹ Denied and the task stopped \(who) at \(when)."
                }
            }
        }
    }

    /// The answer to a tap, shown briefly on the phone.
    public static func tapAnswer(_ decision: ApprovalDecision) -> String {
        switch decision {
        case .accept: "Approved"
        case .acceptForSession: "Approved for this session"
        case .decline: "Denied"
        case .cancel: "Denied; stopping the task"
        }
    }

    /// Sent when a request was declined because nobody answered.
    public static func timedOutNotice(_ pending: PendingApproval) -> String {
        let limit = Durations.limit(pending.expiresAt.timeIntervalSince(pending.askedAt))
        return
            "⌛ Nobody answered within \(limit), so Codex was told no (task #\(pending.task.id) in \(pending.task.request.project.name)). It goes on without that step."
    }

    public static let expiredTap = "This request has expired."
    public static let refusedTap = "Not allowed."
    public static let unreadableTap = "This button is not understood."

    /// The progress message's line while a request waits.
    public static func waiting(_ pending: PendingApproval) -> String {
        switch pending.request.action {
        case .command(let command, _):
            return "run \(ProgressState.code(VisibleText(CommandText.display(command)).shortened(to: 60).text))"
        case .fileChange(let changes, _):
            let names = changes.map { ($0.path as NSString).lastPathComponent }
            return names.isEmpty ? "change files" : "change " + names.prefix(3).joined(separator: ", ")
        }
    }

    /// /status's line for a task that waits.
    public static func statusLine(_ pending: PendingApproval, now: Date) -> String {
        "⏸ Waiting \(Durations.short(now.timeIntervalSince(pending.askedAt))) for your approval to \(waiting(pending))"
    }

    /// What the audit table keeps of a request.
    public static func auditDetail(_ pending: PendingApproval) -> String {
        switch pending.request.action {
        case .command(let command, let cwd):
            let shown = VisibleText(CommandText.display(command)).shortened(to: 300).text
            return "run \(ReportText.shorten(shown, to: 400)) in \(cwd ?? pending.task.request.project.repoPath)"
        case .fileChange(let changes, _):
            return "change " + changes.map(\.path).prefix(20).joined(separator: ", ")
        }
    }

    /// "+12 −3 lines" from a unified diff; nil when it counts nothing.
    static func diffSummary(_ diff: String) -> String? {
        var added = 0
        var removed = 0
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("+++") || line.hasPrefix("---") { continue }
            if line.hasPrefix("+") { added += 1 } else if line.hasPrefix("-") { removed += 1 }
        }
        guard added + removed > 0 else { return nil }
        return "+\(added) −\(removed) lines"
    }

    private static func requesterWords(_ requester: Requester) -> String {
        switch requester {
        case .telegram: "from Telegram"
        case .dashboard: "from the dashboard"
        case .cli: "from the terminal"
        case .desk: "at the terminal"
        }
    }

    private static func clockTime(_ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}

/// A request's full content, sent beside its message: the whole command or the whole diff.
public struct ApprovalAttachment: Sendable, Equatable {
    public var fileName: String
    /// What the dashboard calls it ("The whole command").
    public var title: String
    public var contents: String
}
