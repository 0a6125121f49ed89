import Foundation

/// `/last` and `codex-companion last`: what was asked (so it can be sent again), how and when it ended,
/// and then the same result card the user saw live, rendered from the stored facts.
public struct LastTaskView: Sendable {
    private let card = ResultCard()

    public init() {}

    /// `title` names the task: "Last task in alpha (#12):" by default; re-delivery after a restart says more.
    public func render(_ task: StoredTask, project: Project, now: Date, title: String? = nil) -> [RenderedMessage] {
        let header = header(task, now: now, title: title)
        guard Self.hasEnded(task) else { return [header] }
        return card.render(task.report(project: project), lineCounts: task.lineCounts, header: header)
    }

    public func plainText(_ task: StoredTask, project: Project, now: Date) -> String {
        let header = header(task, now: now, title: nil).plain
        guard Self.hasEnded(task) else { return header }
        return header + "\n\n" + card.plainText(task.report(project: project), lineCounts: task.lineCounts)
    }

    /// The title of a result delivered after a restart.
    public static func redeliveryTitle(_ task: StoredTask) -> String {
        "Task #\(task.id) in \(task.project), which ended while the companion was stopped:"
    }

    /// The prompt and the task's times; for a task still waiting or running, its state too.
    private func header(_ task: StoredTask, now: Date, title: String?) -> RenderedMessage {
        let title = title ?? "Last task in \(task.project) (#\(task.id)):"
        let prompt = "\"\(PromptPreview.opening(task.prompt))\""
        var facts = ["asked \(Durations.short(now.timeIntervalSince(task.startedAt))) ago"]
        if let session = task.session { facts.append(SessionText.brief(session, threadID: task.threadID)) }
        if let endedAt = task.endedAt, task.status != .queued {
            facts.append("took \(Durations.short(endedAt.timeIntervalSince(task.startedAt)))")
        }
        var lines = [facts.joined(separator: " · ")]
        switch task.status {
        case .running:
            lines.append("⏳ Running for \(Durations.short(now.timeIntervalSince(task.startedAt))). The result will arrive here.")
        case .queued:
            lines.append("⏳ Queued: it starts by itself when the project is free (/cancel queued drops it).")
        default:
            break
        }
        let plain = ([title, prompt] + lines).joined(separator: "\n")
        let html =
            "<b>\(TelegramHTML.escape(title))</b>\n\(TelegramHTML.escape(prompt))\n"
            + TelegramHTML.escape(lines.joined(separator: "\n"))
        return RenderedMessage(html: html, plain: plain)
    }

    /// The card follows only for a task that has ended.
    private static func hasEnded(_ task: StoredTask) -> Bool {
        task.status.hasEnded
    }
}
