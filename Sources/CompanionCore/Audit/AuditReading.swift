/// Reads the audit trail back, newest first, for `codex-companion audit` and the dashboard.
public protocol AuditReading: Sendable {
    /// At most `limit` entries, newest first; each filter that is set must match (`requester` is a
    /// requester kind: cli, telegram or dashboard).
    func recentAudit(limit: Int, project: String?, requester: Requester.Kind?, outcome: CommandOutcome?) async throws -> [AuditEntry]
}
