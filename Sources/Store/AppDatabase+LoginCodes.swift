import CompanionCore
import Foundation
import GRDB

extension AppDatabase: LoginCodeStoring {
    public func addLoginCode(hash: String, expiresAt: Date) async throws {
        try await writer.write { db in
            // Codes a week past their end are of no use to anyone.
            try db.execute(
                sql: "DELETE FROM dashboard_login_codes WHERE expires_at < ?", arguments: [Date().addingTimeInterval(-7 * 86400)])
            try db.execute(
                sql: "INSERT INTO dashboard_login_codes (code_hash, expires_at) VALUES (?, ?)", arguments: [hash, expiresAt])
        }
    }

    public func redeemLoginCode(hash: String, at time: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE dashboard_login_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
                arguments: [time, hash, time])
            return db.changesCount == 1
        }
    }
}

extension AppDatabase {
    /// Where the running daemon's dashboard listens (`host:port`), so `codex-companion dashboard` in another
    /// process links to the right port even when it was chosen at start (`--dashboard-port`, or port 0).
    public func recordDashboardAddress(host: String, port: Int) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO settings (key, value) VALUES ('dashboard_address', ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value
                    """,
                arguments: ["\(host) \(port)"])
        }
    }

    /// The address the daemon last recorded, if any.
    public func dashboardAddress() async throws -> (host: String, port: Int)? {
        try await writer.read { db in
            guard let value = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'dashboard_address'") else {
                return nil
            }
            let parts = value.split(separator: " ")
            guard parts.count == 2, let port = Int(parts[1]) else { return nil }
            return (String(parts[0]), port)
        }
    }
}
