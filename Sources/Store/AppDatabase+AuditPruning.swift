import Foundation
import GRDB

/// The two deletes that keep the audit table bounded, in `queryPlans` so a test sees them use an index.
enum AuditQueries {
    static let olderThan = "DELETE FROM audit WHERE at < ?"
    static let beyondNewest = "DELETE FROM audit WHERE id <= ?"
    static let all = [olderThan, beyondNewest]
}

extension AppDatabase {
    /// Deletes the audit rows older than `date`, and then the oldest beyond the newest `maximumRows`;
    /// returns how many went. Both deletes follow an index (the time, the id), so the cost does not grow
    /// with the table.
    public func pruneAudit(olderThan date: Date, keepingAtMost maximumRows: Int) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: AuditQueries.olderThan, arguments: [date])
            var removed = db.changesCount
            // Ids only grow, so the newest `maximumRows` rows are those above MAX(id) - maximumRows.
            if let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM audit") {
                try db.execute(sql: AuditQueries.beyondNewest, arguments: [newest - Int64(maximumRows)])
                removed += db.changesCount
            }
            return removed
        }
    }
}
