import Foundation

/// The compact result text for a phone screen (and the terminal): outcome, session, Codex's answer,
/// files, commands and tokens. Plain text; clients add their own formatting.
public struct SummaryRenderer: Sendable {
    public var maxCommands = 8
    public var maxFiles = 12
    private let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    public func render(_ report: TaskReport) -> String {
        var sections: [String] = []
        sections.append("\(Self.headline(report.status)) · \(report.project.name) · \(Durations.short(report.duration))\n\(sessionLine(report))")

        if report.status != .done, let reason = report.failureReason {
            // Codex's own words for a failure; our words for a stop we caused.
            sections.append(report.status == .failed && !reason.hasPrefix("Timed out") ? "Codex said: \(reason)" : reason)
        }
        if let message = report.turn.finalMessage?.trimmingCharacters(in: .whitespacesAndNewlines), !message.isEmpty {
            sections.append(message)
        }
        if !report.turn.filesChanged.isEmpty {
            sections.append(filesSection(report))
        }
        if !report.turn.commands.isEmpty {
            sections.append(commandsSection(report.turn.commands))
        }
        if let usage = report.turnUsage {
            sections.append("Tokens: \(Self.grouped(usage.inputTokens)) in · \(Self.grouped(usage.outputTokens)) out")
        }
        return sections.joined(separator: "\n\n")
    }

    static func headline(_ status: TaskStatus) -> String {
        switch status {
        case .done: "✅ Done"
        case .failed: "❌ Failed"
        case .cancelled: "⏹ Cancelled"
        case .interrupted: "⚠️ Interrupted"
        case .running: "⏳ Running"
        case .queued: "⏳ Queued"
        }
    }

    func sessionLine(_ report: TaskReport) -> String {
        let id = report.threadID.map { String($0.suffix(8)) } ?? "none"
        switch report.session {
        case .new:
            return "New session \(id)"
        case .newBecauseNoneFound:
            return "New session \(id) (no earlier session in this repository)"
        case .continued(let session, let origin):
            let age = Durations.short(now().timeIntervalSince(session.lastUsedAt))
            return "Continued session \(session.shortID) (started \(origin), last used \(age) ago)"
        }
    }

    private func filesSection(_ report: TaskReport) -> String {
        let files = report.turn.filesChanged
        var lines = ["Files changed (\(files.count)):"]
        for change in files.prefix(maxFiles) {
            lines.append("\(change.marker) \(Self.relative(change.path, to: report.project.repoPath))")
        }
        if files.count > maxFiles { lines.append("… and \(files.count - maxFiles) more") }
        return lines.joined(separator: "\n")
    }

    private func commandsSection(_ commands: [CommandExecution]) -> String {
        var lines = ["Commands (\(commands.count)):"]
        let shown = Self.visibleCommands(commands, limit: maxCommands)
        for command in shown {
            let text = Self.shorten(CommandText.display(command.command), to: 80)
            if command.failed {
                let code = command.exitCode.map { "exit \($0)" } ?? command.status
                lines.append("✗ \(text) (\(code))")
            } else {
                lines.append("✓ \(text)")
            }
        }
        if commands.count > shown.count { lines.append("… and \(commands.count - shown.count) more") }
        return lines.joined(separator: "\n")
    }

    /// At most `limit` commands in their original order, failed ones kept first: they matter most.
    static func visibleCommands(_ commands: [CommandExecution], limit: Int) -> [CommandExecution] {
        let failed = commands.indices.filter { commands[$0].failed }.prefix(limit)
        let passed = commands.indices.filter { !commands[$0].failed }.prefix(max(0, limit - failed.count))
        return Set(failed).union(passed).sorted().map { commands[$0] }
    }

    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func shorten(_ text: String, to limit: Int) -> String {
        let single = text.replacingOccurrences(of: "\n", with: " ⏎ ")
        return single.count > limit ? String(single.prefix(limit - 1)) + "…" : single
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, char) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(char)
        }
        return out
    }
}
