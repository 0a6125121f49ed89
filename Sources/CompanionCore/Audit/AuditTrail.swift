import Logging

/// The one audit trail: each command is written once, to its two sinks, the store's audit table (for
/// `codex-companion audit` and, later, the dashboard) and the human-readable activity log file.
public struct AuditTrail: AuditRecording {
    private let table: any AuditTableWriting
    private let log: any ActivityLogging
    private let logger: Logger
    /// Taken out of an entry's detail (an approval's command can quote one).
    private let secrets: CompanionSecrets

    public init(
        table: any AuditTableWriting, log: any ActivityLogging, secrets: CompanionSecrets = .none,
        logger: Logger = Logger(label: "companion.audit")
    ) {
        self.table = table
        self.log = log
        self.secrets = secrets
        self.logger = logger
    }

    public func record(_ entry: AuditEntry) async {
        var entry = entry
        entry.detail = entry.detail.map(secrets.redact)
        do {
            try await table.recordAudit(entry)
        } catch {
            logger.error("writing the audit trail failed", metadata: ["error": "\(error)"])
        }
        log.record(entry)
    }
}

/// The audit table in the store.
public protocol AuditTableWriting: Sendable {
    /// Appends one entry.
    func recordAudit(_ entry: AuditEntry) async throws
}
