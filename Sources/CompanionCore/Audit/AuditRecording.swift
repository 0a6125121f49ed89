/// Where every command is written once: the audit trail.
public protocol AuditRecording: Sendable {
    /// Records one command. Failing to record must never fail the command, so this does not throw.
    func record(_ entry: AuditEntry) async
}
