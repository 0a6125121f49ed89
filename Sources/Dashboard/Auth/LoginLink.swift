import CompanionCore
import Foundation

/// The one-time links that open a dashboard session: `http://<host>:<port>/login?code=<code>`. The code
/// is random (256 bits, URL-safe), valid for a short while and usable once; the store keeps only its
/// SHA-256, so neither the database nor another process that reads it can log in.
public enum LoginLink {
    /// A new random code.
    public static func newCode() -> String {
        SecretToken.random(byteCount: 32)
    }

    /// The code's SHA-256, hex: what the store keeps and what a login looks up.
    public static func hash(_ code: String) -> String {
        Digests.sha256Hex(code)
    }

    /// The link a person opens. A wildcard address (`0.0.0.0`, `::`) is reached on this machine at 127.0.0.1.
    public static func url(host: String, port: Int, code: String) -> String {
        "http://\(DashboardAddress.urlHost(host)):\(port)/login?code=\(code)"
    }

    /// Stores a new code's hash, valid for `lifetime` from now, and returns its link: what `serve` prints at
    /// start and `codex-companion dashboard` prints on demand (from another process: the store is shared).
    public static func issue(
        host: String, port: Int, lifetime: Duration, loginCodes: any LoginCodeStoring, clock: any TaskClock = SystemClock()
    ) async throws -> String {
        let code = newCode()
        try await loginCodes.addLoginCode(hash: hash(code), expiresAt: clock.now().addingTimeInterval(lifetime.seconds))
        return url(host: host, port: port, code: code)
    }
}
