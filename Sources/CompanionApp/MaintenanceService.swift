import CodexAdapter
import Foundation
import Logging
import ServiceLifecycle
import Store

/// The daemon's housekeeping, off the message path: a full refresh of the session index at start (so the
/// first message finds the index ready) and every few minutes (it catches a session moved to another
/// repository, which a message's quick refresh does not look for), pruning Telegram updates and the
/// phone's attachments older than a week and audit rows past `auditKept` or beyond `auditRowsKept`,
/// and rotating `serve.log` past its size. Ends on graceful shutdown.
struct MaintenanceService: Service {
    let sessions: RolloutIndex
    let database: AppDatabase
    /// Photos and files from the phone: kept a week, while the session may still refer to them.
    let attachments: LocalAttachmentFiles
    let logger: Logger
    var refreshInterval: Duration = .seconds(300)
    var updatesKept: TimeInterval = 7 * 86400
    var attachmentsKept: TimeInterval = 7 * 86400
    /// The service's output file, when this daemon writes to one; checked every round.
    var serveLog: ServeLogRotation?
    var auditKept: TimeInterval = 90 * 86400
    var auditRowsKept = 100_000

    func run() async throws {
        var round = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if serveLog?.rotateIfNeeded() == true { logger.info("serve.log rotated: it had grown past its size limit") }
            do {
                if round == 0 {
                    try await sessions.ensureIndexed()
                } else {
                    try await sessions.refreshAll()
                }
                // Once at start and then about every six hours.
                if round % 72 == 0 {
                    let pruned = try await database.pruneHandledUpdates(receivedBefore: Date().addingTimeInterval(-updatesKept))
                    if pruned > 0 { logger.info("pruned old Telegram updates", metadata: ["count": "\(pruned)"]) }
                    let removed = attachments.removeFolders(olderThan: attachmentsKept)
                    if removed > 0 { logger.info("removed old attachments", metadata: ["count": "\(removed)"]) }
                    let audited = try await database.pruneAudit(
                        olderThan: Date().addingTimeInterval(-auditKept), keepingAtMost: auditRowsKept)
                    if audited > 0 { logger.info("pruned old audit rows", metadata: ["count": "\(audited)"]) }
                }
            } catch {
                logger.error("maintenance failed", metadata: ["error": "\(error)"])
            }
            round += 1
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: refreshInterval) }
        }
    }
}
