/// Small text pieces shared by the result card and the progress views: outcome headlines, paths relative
/// to the repository, shortened commands, grouped numbers.
public enum ReportText {
    public static func headline(_ status: TaskStatus) -> String {
        switch status {
        case .done: "✅ Done"
        case .failed: "❌ Failed"
        case .cancelled: "⏹ Cancelled"
        case .interrupted: "⚠️ Interrupted"
        case .running: "⏳ Running"
        case .queued: "⏳ Queued"
        }
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
