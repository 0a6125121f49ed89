import Foundation

/// The result of a task as Telegram messages: outcome, duration, session, Codex's answer rendered from
/// Markdown, files with line counts, commands with exit codes (failures stand out), tokens. Long answers
/// are split across messages, each within Telegram's limit.
public struct ResultCard: Sendable {
    /// Visible characters per message, below Telegram's 4096 with room for the "(2/3)" label.
    public var budget = 3800
    private let summary: SummaryRenderer

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        summary = SummaryRenderer(now: now)
    }

    public func render(_ report: TaskReport, lineCounts: [String: LineCounts] = [:]) -> [RenderedMessage] {
        var blocks: [RenderedMessage] = []
        let headline = "\(SummaryRenderer.headline(report.status)) · \(report.project.name) · \(Durations.short(report.duration))"
        let session = summary.sessionLine(report)
        blocks.append(RenderedMessage(html: "<b>\(TelegramHTML.escape(headline))</b>\n\(TelegramHTML.escape(session))",
                                      plain: "\(headline)\n\(session)"))
        if report.status != .done, let reason = report.failureReason {
            let text = report.status == .failed && !reason.hasPrefix("Timed out") ? "Codex said: \(reason)" : reason
            blocks.append(RenderedMessage(html: "<i>\(TelegramHTML.escape(text))</i>", plain: text))
        }
        if let answer = report.turn.finalMessage?.trimmingCharacters(in: .whitespacesAndNewlines), !answer.isEmpty {
            for part in MessageSplitter(budget: budget - 200, labelled: false).split(answer) {
                blocks.append(RenderedMessage(html: TelegramMarkdown.html(from: part), plain: part))
            }
        }
        if !report.turn.filesChanged.isEmpty {
            blocks.append(files(report, lineCounts: lineCounts))
        }
        if !report.turn.commands.isEmpty {
            blocks.append(commands(report.turn.commands))
        }
        if let usage = report.turnUsage {
            let text = "Tokens: \(SummaryRenderer.grouped(usage.inputTokens)) in · \(SummaryRenderer.grouped(usage.outputTokens)) out"
            blocks.append(RenderedMessage(plain: text))
        }
        return pack(blocks)
    }

    private func files(_ report: TaskReport, lineCounts: [String: LineCounts]) -> RenderedMessage {
        let files = report.turn.filesChanged
        var html = ["<b>Files changed (\(files.count))</b>"]
        var plain = ["Files changed (\(files.count)):"]
        for change in files.prefix(summary.maxFiles) {
            let marker = change.marker
            let path = SummaryRenderer.relative(change.path, to: report.project.repoPath)
            let counts = lineCounts[change.path].map { " (+\($0.added) −\($0.removed))" } ?? ""
            html.append("\(marker) <code>\(TelegramHTML.escape(path))</code>\(counts)")
            plain.append("\(marker) \(path)\(counts)")
        }
        if files.count > summary.maxFiles {
            html.append("… and \(files.count - summary.maxFiles) more")
            plain.append("… and \(files.count - summary.maxFiles) more")
        }
        return RenderedMessage(html: html.joined(separator: "\n"), plain: plain.joined(separator: "\n"))
    }

    private func commands(_ commands: [CommandExecution]) -> RenderedMessage {
        let failed = commands.filter(\.failed).count
        let title = "Commands (\(commands.count)\(failed > 0 ? ", \(failed) failed" : ""))"
        var html = ["<b>\(title)</b>"]
        var plain = [title + ":"]
        let shown = SummaryRenderer.visibleCommands(commands, limit: summary.maxCommands)
        for command in shown {
            let text = SummaryRenderer.shorten(CommandText.display(command.command), to: 80)
            if command.failed {
                let code = command.exitCode.map { "exit \($0)" } ?? command.status
                html.append("<b>✗</b> <code>\(TelegramHTML.escape(text))</code> <b>(\(code))</b>")
                plain.append("✗ \(text) (\(code))")
            } else {
                html.append("✓ <code>\(TelegramHTML.escape(text))</code>")
                plain.append("✓ \(text)")
            }
        }
        if commands.count > shown.count {
            html.append("… and \(commands.count - shown.count) more")
            plain.append("… and \(commands.count - shown.count) more")
        }
        return RenderedMessage(html: html.joined(separator: "\n"), plain: plain.joined(separator: "\n"))
    }

    /// Joins blocks into as few messages as fit, labelling them "(1/2)" when there are several.
    private func pack(_ blocks: [RenderedMessage]) -> [RenderedMessage] {
        var messages: [RenderedMessage] = []
        var current: RenderedMessage?
        for block in blocks {
            // The plain text is never shorter than what Telegram shows, so it bounds the visible length.
            if var joined = current, joined.plain.unicodeScalars.count + block.plain.unicodeScalars.count + 2 <= budget {
                joined.html += "\n\n" + block.html
                joined.plain += "\n\n" + block.plain
                current = joined
            } else {
                if let current { messages.append(current) }
                current = block
            }
        }
        if let current { messages.append(current) }
        guard messages.count > 1 else { return messages }
        return messages.enumerated().map { index, message in
            RenderedMessage(html: message.html + "\n(\(index + 1)/\(messages.count))",
                            plain: message.plain + "\n(\(index + 1)/\(messages.count))")
        }
    }
}
