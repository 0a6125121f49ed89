import Foundation

/// What a running task is doing, folded from Codex events, for the live progress message: elapsed
/// time, step count, the current action, the last few actions with ✓/✗, and the plan when Codex keeps one.
public struct ProgressState: Sendable, Equatable {
    public var project: String
    public var sessionNote: String
    public var startedAt: Date
    public private(set) var steps = 0
    public private(set) var current: String?
    public private(set) var recent: [String] = []
    public private(set) var plan: (done: Int, total: Int)?
    /// The answer as Codex writes it (streamed by the app-server engine), until the next action.
    public private(set) var writing: String?
    /// What waits for the user's decision, when something does.
    public private(set) var waitingFor: String?
    public var recentLimit = 4
    /// How much of the streamed answer the message shows (its end).
    public var writingLimit = 600
    private var writingItem: String?
    private var userMessages = 0

    public init(project: String, session: SessionNote, startedAt: Date) {
        self.project = project
        self.sessionNote = SessionText.starting(session)
        self.startedAt = startedAt
    }

    public static func == (lhs: ProgressState, rhs: ProgressState) -> Bool {
        lhs.steps == rhs.steps && lhs.current == rhs.current && lhs.recent == rhs.recent
            && lhs.plan?.done == rhs.plan?.done && lhs.plan?.total == rhs.plan?.total && lhs.sessionNote == rhs.sessionNote
            && lhs.writing == rhs.writing && lhs.waitingFor == rhs.waitingFor
    }

    /// An approval request waits (`what` says for what), or none does (nil).
    public mutating func setWaiting(_ what: String?) {
        waitingFor = what
    }

    /// The session is busy in another Codex process and the task waits for it (until Codex's next event).
    public mutating func waitForSession() {
        current = Self.waitingForSession
    }

    static let waitingForSession = "waiting for the session, busy in another Codex process; it runs once that is done (/cancel drops it)"

    public mutating func apply(_ event: CodexEvent, repoPath: String) {
        switch event {
        case .agentMessageDelta(let itemID, let delta):
            if writingItem != itemID {
                writingItem = itemID
                writing = ""
            }
            writing = (writing ?? "") + delta
            current = "writing the answer"
        case .itemStarted(let item):
            if case .agentMessage = item.kind {} else if case .userMessage = item.kind {} else { writing = nil }
            switch item.kind {
            case .commandExecution(let command):
                current = "running \(Self.code(CommandText.display(command.command)))"
            case .fileChange(let changes, _):
                current = "editing " + changes.map { ReportText.relative($0.path, to: repoPath) }.joined(separator: ", ")
            case .mcpToolCall(let server, let tool, _, _):
                current = "calling \(server).\(tool)"
            case .webSearch(let query):
                current = "searching the web for \(query)"
            case .reasoning:
                current = "thinking"
            case .todoList(let items):
                plan = (items.filter(\.completed).count, items.count)
            default:
                break
            }
        case .itemUpdated(let item):
            if case .todoList(let items) = item.kind { plan = (items.filter(\.completed).count, items.count) }
        case .itemCompleted(let item):
            switch item.kind {
            case .commandExecution(let command):
                steps += 1
                let code = command.failed ? " (exit \(command.exitCode.map(String.init) ?? command.status.rawValue))" : ""
                remember("\(command.failed ? "✗" : "✓") \(Self.code(CommandText.display(command.command)))\(code)")
                current = nil
            case .fileChange(let changes, let status):
                steps += 1
                let paths = changes.map { ReportText.relative($0.path, to: repoPath) }.joined(separator: ", ")
                remember("\(status.failed ? "✗" : "✓") edited \(paths)")
                current = nil
            case .mcpToolCall(let server, let tool, _, let error):
                steps += 1
                remember("\(error == nil ? "✓" : "✗") \(server).\(tool)")
                current = nil
            case .webSearch(let query):
                steps += 1
                remember("✓ searched \(query)")
                current = nil
            case .todoList(let items):
                plan = (items.filter(\.completed).count, items.count)
            case .agentMessage(let text):
                current = "writing the answer"
                if writingItem != nil || !text.isEmpty { writing = text }
                writingItem = nil
            case .userMessage(let text):
                // The first is the prompt; later ones were added while the turn ran.
                userMessages += 1
                if userMessages > 1 { remember("✉ added: \(ReportText.shorten(text, to: 60))") }
            case .reasoning:
                current = nil
            default:
                break
            }
        case .turnFailed, .turnCompleted:
            current = nil
        case .threadStarted, .turnStarted, .error, .unknown:
            break
        }
    }

    private mutating func remember(_ line: String) {
        recent.append(line)
        if recent.count > recentLimit { recent.removeFirst(recent.count - recentLimit) }
    }

    /// The progress message. The first line is its headline.
    public func render(now: Date) -> RenderedMessage {
        let elapsed = Durations.short(now.timeIntervalSince(startedAt))
        let headline = "⏳ \(project) · \(elapsed) · \(steps) step\(steps == 1 ? "" : "s")"
        var plain = [headline, sessionNote]
        var html = ["<b>\(TelegramHTML.escape(headline))</b>", TelegramHTML.escape(sessionNote)]
        if let waitingFor {
            plain.append("⏸ Waiting for your approval: \(waitingFor)")
            html.append("⏸ <b>Waiting for your approval:</b> \(TelegramHTML.render(waitingFor))")
        } else if let current {
            plain.append("Now: \(current)")
            html.append("Now: \(TelegramHTML.render(current))")
        }
        for line in recent {
            plain.append(line)
            html.append(TelegramHTML.render(line))
        }
        if let plan {
            plain.append("Plan: \(plan.done)/\(plan.total) done")
            html.append("Plan: \(plan.done)/\(plan.total) done")
        }
        if let writing, !writing.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let scalars = writing.unicodeScalars
            let tail =
                scalars.count > writingLimit
                ? "…" + String(String.UnicodeScalarView(scalars.suffix(writingLimit))) : writing
            plain.append("✍️ " + tail)
            html.append("✍️ <i>\(TelegramHTML.escape(tail))</i>")
        }
        return RenderedMessage(html: html.joined(separator: "\n"), plain: plain.joined(separator: "\n"))
    }

    /// The progress message once the result is out: a one-line record that points below.
    public static func frozen(_ report: TaskReport, steps: Int) -> RenderedMessage {
        RenderedMessage(
            plain:
                "\(ReportText.headline(report.status)) · \(report.project.name) · \(Durations.short(report.duration)) · \(steps) steps: result below"
        )
    }

    /// A progress message a restart found unfinished (the companion stopped before making it final): the
    /// same one-line record, without the step count, which died with the process.
    public static func frozen(_ task: StoredTask) -> RenderedMessage {
        let duration = max(0, (task.endedAt ?? task.startedAt).timeIntervalSince(task.startedAt))
        return RenderedMessage(
            plain: "\(ReportText.headline(task.status)) · \(task.project) · \(Durations.short(duration)): result below")
    }

    /// Inline code in the plain text (rendered as <code> in HTML), shortened for a phone.
    static func code(_ text: String) -> String {
        let short = ReportText.shorten(text, to: 60).replacingOccurrences(of: "`", with: "'")
        return "`\(short)`"
    }
}
