import Foundation

/// Durations the way a person reads them: 4s, 2m 05s, 1h 20m, 3d.
public enum Durations {
    public static func short(_ interval: TimeInterval) -> String {
        let seconds = max(0, Int(interval.rounded()))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return String(format: "%dm %02ds", seconds / 60, seconds % 60) }
        if seconds < 86400 { return String(format: "%dh %02dm", seconds / 3600, (seconds % 3600) / 60) }
        return "\(seconds / 86400)d"
    }
}
