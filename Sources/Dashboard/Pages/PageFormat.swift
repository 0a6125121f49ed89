import CompanionCore
import Foundation

/// How the pages write times, durations, requesters and statuses: one place, so every page says them
/// alike. Times are shown in the dashboard's time zone (the machine's, unless a test sets one).
struct PageFormat: Sendable {
    var timeZone: TimeZone
    var now: Date

    /// "2025-03-04 10:42".
    func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// "3m 05s ago", "just now".
    func ago(_ date: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        return seconds < 5 ? "just now" : "\(Durations.short(seconds)) ago"
    }

    /// "4s", "2m 05s", "1h 20m".
    func duration(_ interval: TimeInterval) -> String {
        Durations.short(interval)
    }

    /// The machine-readable form for `<time datetime>`.
    func iso(_ date: Date) -> String {
        date.ISO8601Format()
    }

    /// "Telegram (chat 42)", "terminal", "dashboard".
    static func requester(_ requester: Requester) -> String {
        switch requester {
        case .cli: "terminal"
        case .telegram(let chatID): "Telegram (chat \(chatID))"
        case .dashboard: "dashboard"
        case .desk: "the terminal (Codex)"
        }
    }

    /// What a task's status is called on the pages (also its CSS class).
    static func status(_ status: TaskStatus) -> String {
        status.rawValue
    }

    /// A path as the repository names it, when it lies inside.
    static func relative(_ path: String, to root: String?) -> String {
        guard let root, !root.isEmpty else { return path }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// "12,345".
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    /// Text made safe for a URL path segment (project names are simple words already; this guards the rest).
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? text
    }
}
