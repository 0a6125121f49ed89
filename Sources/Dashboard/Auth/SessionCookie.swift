import Foundation
import Hummingbird

/// The session cookie of the dashboard on one port. Cookies ignore ports: the browser sends every cookie of
/// 127.0.0.1 to every server there, and any of those servers may set one. So the name carries the port
/// (`companion_session_8787`: two dashboards never overwrite each other's), and since another local server
/// can still plant a cookie of that very name before ours, every value of that name a request carries is
/// tried, not only the first.
struct SessionCookie {
    static let prefix = "companion_session_"
    /// More values than this in one request are junk: the rest are not looked up.
    static let maxValues = 16

    var port: Int

    var name: String { Self.prefix + String(port) }

    /// The values of every cookie of this name in the request's `Cookie` headers, in their order.
    func values(in headers: HTTPFields) -> [String] {
        var found: [String] = []
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { found.append(value) }
                if found.count == Self.maxValues { return found }
            }
        }
        return found
    }

    /// The `Set-Cookie` value that opens a session: HttpOnly, SameSite=Strict, no `Secure` (the dashboard
    /// speaks plain http on loopback).
    func setting(_ id: String) -> String {
        "\(name)=\(id); HttpOnly; SameSite=Strict; Path=/"
    }

    /// The `Set-Cookie` value that makes the browser forget it (a logout).
    var clearing: String {
        "\(name)=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/"
    }
}
