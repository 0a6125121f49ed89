import Foundation

/// One-time login codes for the dashboard, kept in the store so that `codex-companion dashboard` (another
/// process) can issue a code the running daemon accepts. Only a hash of each code is stored.
public protocol LoginCodeStoring: Sendable {
    /// Records a new code (its SHA-256, hex) that is valid until `expiresAt`.
    func addLoginCode(hash: String, expiresAt: Date) async throws
    /// Uses the code up: true the first time, while it is valid; false when it is unknown, used or expired.
    func redeemLoginCode(hash: String, at time: Date) async throws -> Bool
}
