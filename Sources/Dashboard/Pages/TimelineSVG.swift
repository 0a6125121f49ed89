import CompanionCore
import Foundation

/// The task's timeline as an inline SVG drawn on the server: one bar per command and per file change
/// along the time axis, coloured by outcome, with a legend. Codex records no time per step (neither
/// `CommandExecution` nor `FileChange` has one), so each kind's steps are placed in their order, spread
/// evenly over the task's duration, and the picture says so.
struct TimelineSVG {
    enum Outcome: String, CaseIterable {
        case ok, failed, declined

        var colour: String {
            switch self {
            case .ok: "#2da44e"
            case .failed: "#cf222e"
            case .declined: "#bf8700"
            }
        }
    }

    struct Step {
        var label: String
        var detail: String
        var outcome: Outcome
    }

    var commands: [Step]
    var files: [Step]
    var duration: TimeInterval

    static let caption =
        "Order of steps, spread evenly over the task's duration: Codex does not record when each step ran (times not recorded)."

    init(commands: [CommandExecution], files: [FileChange], lineCounts: [String: LineCounts], repoPath: String?, duration: TimeInterval) {
        self.commands = commands.map { command in
            let text = CommandText.display(command.command)
            let outcome: Outcome = command.status == .declined ? .declined : command.failed ? .failed : .ok
            let code = command.exitCode.map { "exit \($0)" } ?? command.status.rawValue
            return Step(label: text, detail: "\(text) (\(code))", outcome: outcome)
        }
        self.files = files.map { change in
            let path = PageFormat.relative(change.path, to: repoPath)
            let counts = lineCounts[change.path].map { " +\($0.added) −\($0.removed)" } ?? ""
            return Step(label: "\(change.marker) \(path)", detail: "\(change.kind.rawValue) \(path)\(counts)", outcome: .ok)
        }
        self.duration = max(0, duration)
    }

    var isEmpty: Bool { commands.isEmpty && files.isEmpty }

    // Geometry, in SVG units (the picture scales to the page's width).
    private let width = 760.0
    private let labelRight = 244.0
    private let chartLeft = 252.0
    private let chartRight = 744.0
    private let row = 20.0
    private let barHeight = 14.0

    func svg() -> String {
        var body = ""
        var y = 6.0
        for (title, steps) in [("Commands", commands), ("File changes", files)] where !steps.isEmpty {
            body += text(x: 4, y: y + 13, title, attributes: "font-weight=\"600\"")
            y += row
            let slot = (chartRight - chartLeft) / Double(steps.count)
            for (index, step) in steps.enumerated() {
                body += text(x: labelRight, y: y + 11, Self.shorten(step.label, to: 34), attributes: "text-anchor=\"end\"")
                let x = chartLeft + slot * Double(index)
                body +=
                    "<rect class=\"bar \(step.outcome.rawValue)\" data-outcome=\"\(step.outcome.rawValue)\" x=\(Self.n(x)) y=\(Self.n(y)) "
                    + "width=\(Self.n(max(slot - 2, 3))) height=\(Self.n(barHeight)) rx=\"2\" fill=\"\(step.outcome.colour)\">"
                    + "<title>\(HTMLText.escape("\(step.outcome.rawValue): \(step.detail)"))</title></rect>"
                y += row
            }
        }
        body += axis(y: y + 4)
        body += legend(y: y + 40)
        let height = y + 56
        let title = "Timeline: order of steps; times not recorded"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" role=\"img\" aria-label=\"\(title)\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height.rounded(.up)))\" width=\"100%\" font-family=\"sans-serif\" font-size=\"12\">"
            + "<title>\(title)</title>" + body + "</svg>"
    }

    private func axis(y: Double) -> String {
        var out = "<line x1=\(Self.n(chartLeft)) y1=\(Self.n(y)) x2=\(Self.n(chartRight)) y2=\(Self.n(y)) stroke=\"#8c959f\"/>"
        for (fraction, anchor) in [(0.0, "start"), (0.5, "middle"), (1.0, "end")] {
            let x = chartLeft + (chartRight - chartLeft) * fraction
            out += "<line x1=\(Self.n(x)) y1=\(Self.n(y)) x2=\(Self.n(x)) y2=\(Self.n(y + 5)) stroke=\"#8c959f\"/>"
            out += text(x: x, y: y + 18, Durations.short(duration * fraction), attributes: "text-anchor=\"\(anchor)\" fill=\"#656d76\"")
        }
        return out
    }

    private func legend(y: Double) -> String {
        var out = ""
        var x = chartLeft
        for outcome in Outcome.allCases {
            out +=
                "<rect class=\"swatch\" x=\(Self.n(x)) y=\(Self.n(y)) width=\"12\" height=\"12\" rx=\"2\" fill=\"\(outcome.colour)\"/>"
            out += text(x: x + 16, y: y + 10, outcome.rawValue, attributes: "")
            x += 90
        }
        return out
    }

    private func text(x: Double, y: Double, _ content: String, attributes: String) -> String {
        "<text x=\(Self.n(x)) y=\(Self.n(y))\(attributes.isEmpty ? "" : " " + attributes)>\(HTMLText.escape(content))</text>"
    }

    /// A coordinate as a quoted attribute value, to one decimal.
    private static func n(_ value: Double) -> String {
        "\"" + String(format: "%.1f", value) + "\""
    }

    private static func shorten(_ text: String, to limit: Int) -> String {
        let single = text.replacingOccurrences(of: "\n", with: " ")
        return single.count > limit ? String(single.prefix(limit - 1)) + "…" : single
    }
}
