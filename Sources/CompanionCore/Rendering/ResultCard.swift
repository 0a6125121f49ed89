import Foundation

/// The result of a task, rendered from its facts: outcome, duration, session, Codex's answer rendered from
/// Markdown, files with line counts, commands with exit codes (failures stand out), tokens. The one
/// renderer of a task report: the live card, /last, re-delivery after a restart and the CLI all use it.
/// For Telegram the blocks are packed into messages within the length limit.
public struct ResultCard: Sendable {
    /// Visible characters per message, below Telegram's 4096 with room for the "(2/3)" label.
    public var budget = 3800
    public var maxCommands = 8
    public var maxFiles = 12

    public init() {}

    /// Telegram messages; `header` (e.g. /last's "what was asked") comes first.
    public func render(
        _ report: TaskReport, lineCounts: [String: LineCounts] = [:],
        header: RenderedMessage? = nil
    ) -> [RenderedMessage] {
        pack((header.map { [$0] } ?? []) + blocks(report, lineCounts: lineCounts))
    }

    /// The same card as plain text, for the terminal.
    public func plainText(_ report: TaskReport, lineCounts: [String: LineCounts] = [:]) -> String {
        blocks(report, lineCounts: lineCounts).map(\.plain).joined(separator: "\n\n")
    }

    public func blocks(_ report: TaskReport, lineCounts: [String: LineCounts]) -> [RenderedMessage] {
        var blocks: [RenderedMessage] = []
        let headline = "\(ReportText.headline(report.status)) · \(report.project.name) · \(Durations.short(report.duration))"
        let session = SessionText.card(report)
        blocks.append(
            RenderedMessage(
                html: "<b>\(TelegramHTML.escape(headline))</b>\n\(TelegramHTML.escape(session))",
                plain: "\(headline)\n\(session)"))
        if report.status != .done, let reason = report.stopReason.map(StopReasonText.explain) ?? report.failureReason {
            blocks.append(RenderedMessage(html: "<i>\(TelegramHTML.escape(reason))</i>", plain: reason))
        }
        if let answer = report.turn.finalMessage?.trimmingCharacters(in: .whitespacesAndNewlines), !answer.isEmpty {
            for part in MessageSplitter(budget: budget - 200, labelled: false).split(answer) {
                blocks.append(RenderedMessage(html: TelegramMarkdown.html(from: part), plain: part))
            }
        } else if report.status == .done {
            blocks.append(RenderedMessage(plain: "(Codex finished without writing an answer.)"))
        }
        if !report.turn.filesChanged.isEmpty {
            blocks.append(files(report, lineCounts: lineCounts))
        }
        if !report.turn.commands.isEmpty {
            blocks.append(commands(report.turn.commands))
        }
        if let usage = report.turnUsage {
            let text = "Tokens: \(ReportText.grouped(usage.inputTokens)) in · \(ReportText.grouped(usage.outputTokens)) out"
            blocks.append(RenderedMessage(plain: text))
        }
        return blocks
    }

    private func files(_ report: TaskReport, lineCounts: [String: LineCounts]) -> RenderedMessage {
        let files = report.turn.filesChanged
        var html = ["<b>Files changed (\(files.count))</b>"]
        var plain = ["Files changed (\(files.count)):"]
        for change in files.prefix(maxFiles) {
            let marker = change.marker
            let path = ReportText.relative(change.path, to: report.project.repoPath)
            let counts = lineCounts[change.path].map { " (+\($0.added) −\($0.removed))" } ?? ""
            html.append("\(marker) <code>\(TelegramHTML.escape(path))</code>\(counts)")
            plain.append("\(marker) \(path)\(counts)")
        }
        if files.count > maxFiles {
            html.append("… and \(files.count - maxFiles) more")
            plain.append("… and \(files.count - maxFiles) more")
        }
        return RenderedMessage(html: html.joined(separator: "\n"), plain: plain.joined(separator: "\n"))
    }

    private func commands(_ commands: [CommandExecution]) -> RenderedMessage {
        let failed = commands.filter(\.failed).count
        let title = "Commands (\(commands.count)\(failed > 0 ? ", \(failed) failed" : ""))"
        var html = ["<b>\(title)</b>"]
        var plain = [title + ":"]
        let shown = ReportText.visibleCommands(commands, limit: maxCommands)
        for command in shown {
            let text = ReportText.shorten(CommandText.display(command.command), to: 80)
            if command.failed {
                let code = command.exitCode.map { "exit \($0)" } ?? command.status.rawValue
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
            RenderedMessage(
                html: message.html + "\n(\(index + 1)/\(messages.count))",
                plain: message.plain + "\n(\(index + 1)/\(messages.count))")
        }
    }
}
