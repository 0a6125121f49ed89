import Foundation

/// The human-readable activity log: one line per command, never a secret.
public protocol ActivityLogging: Sendable {
    /// Appends one entry. Failing to log must never fail the command, so this does not throw.
    func record(_ entry: ActivityEntry)
}

public struct ActivityEntry: Sendable, Equatable {
    public var time: Date
    /// A Telegram chat id, or `cli`.
    public var requester: String
    public var command: String
    public var project: String?
    public var succeeded: Bool
    public var duration: TimeInterval

    public init(time: Date, requester: String, command: String, project: String?, succeeded: Bool, duration: TimeInterval) {
        self.time = time
        self.requester = requester
        self.command = command
        self.project = project
        self.succeeded = succeeded
        self.duration = duration
    }

    /// `2026-11-25T18:00:00Z cli run project=alpha ok 12.3s`
    public var line: String {
        let stamp = ISO8601DateFormatter().string(from: time)
        let outcome = succeeded ? "ok" : "failed"
        return "\(stamp) \(requester) \(command) project=\(project ?? "-") \(outcome) \(String(format: "%.1f", duration))s"
    }
}
