import Foundation

/// Durations the way a person reads them: 4s, 2m 05s, 1h 20m, 3d (`short`, for times that passed), and
/// 8 s, 10 min, 1 h 5 min (`limit`, for a configured limit, which is usually a whole number of minutes).
public enum Durations {
    public static func short(_ interval: TimeInterval) -> String {
        let seconds = max(0, Int(interval.rounded()))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return String(format: "%dm %02ds", seconds / 60, seconds % 60) }
        if seconds < 86400 { return String(format: "%dh %02dm", seconds / 3600, (seconds % 3600) / 60) }
        return "\(seconds / 86400)d"
    }

    /// A limit in words, exact to the second under an hour and to the minute above it: "8 s", "1 min",
    /// "1 min 30 s", "10 min", "1 h", "1 h 5 min". A limit under a minute never reads "0 min".
    public static func limit(_ interval: TimeInterval) -> String {
        let seconds = max(0, Int(interval.rounded()))
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 {
            let rest = seconds % 60
            return rest == 0 ? "\(seconds / 60) min" : "\(seconds / 60) min \(rest) s"
        }
        let hours = seconds / 3600
        let minutes = (seconds % 3600) / 60
        return minutes == 0 ? "\(hours) h" : "\(hours) h \(minutes) min"
    }
}
