import Foundation

/// The human-readable activity log: one line per command, never a secret.
public protocol ActivityLogging: Sendable {
    /// Appends one entry. Failing to log must never fail the command, so this does not throw.
    func record(_ entry: AuditEntry)
}

extension AuditEntry {
    /// `2026-11-25T18:00:00Z cli run project=alpha ok 12.3s`
    public var activityLine: String {
        let stamp = ISO8601DateFormatter().string(from: time)
        let outcome = self.outcome.succeeded ? "ok" : "failed"
        return "\(stamp) \(requester.stored) \(command) project=\(project ?? "-") \(outcome) \(String(format: "%.1f", duration))s"
    }
}
