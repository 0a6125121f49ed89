import CompanionCore
import Foundation

/// A logged-in browser: what its pages carry as the CSRF token, and the key the book holds it under
/// (what a logout removes).
struct DashboardSession: Sendable, Equatable {
    var key: String
    var csrf: String
}

/// The dashboard's sessions, in memory only (a restart logs everybody out, and no session id is ever
/// written anywhere). The cookie holds a random id; the book keys sessions by its SHA-256, so a lookup's
/// timing says nothing about the ids it holds. A session belongs to the port of the dashboard that opened
/// it and is refused on any other (cookies ignore ports). It ends when unused for `idleLimit`, `lifetime`
/// after the login whatever its use, or at a logout.
actor SessionBook {
    private struct Entry {
        var session: DashboardSession
        var port: Int
        var opened: Date
        var lastSeen: Date
    }

    private let idleLimit: TimeInterval
    private let lifetime: TimeInterval
    private let clock: any TaskClock
    private var entries: [String: Entry] = [:]

    init(idleLimit: Duration, lifetime: Duration, clock: any TaskClock) {
        self.idleLimit = idleLimit.seconds
        self.lifetime = lifetime.seconds
        self.clock = clock
    }

    /// Opens a session for the dashboard on `port` and returns the cookie value that names it.
    func open(port: Int) -> (id: String, session: DashboardSession) {
        let now = clock.now()
        entries = entries.filter { isAlive($0.value, at: now) }
        let id = SecretToken.random(byteCount: 32)
        let key = LoginLink.hash(id)
        let session = DashboardSession(key: key, csrf: SecretToken.random(byteCount: 32))
        entries[key] = Entry(session: session, port: port, opened: now, lastSeen: now)
        return (id, session)
    }

    /// The session a cookie value names, while it is alive and when it was opened for `port`; using it
    /// keeps it alive until its lifetime ends.
    func session(id: String, port: Int) -> DashboardSession? {
        let key = LoginLink.hash(id)
        let now = clock.now()
        guard let entry = entries[key] else { return nil }
        guard isAlive(entry, at: now) else {
            entries[key] = nil
            return nil
        }
        guard entry.port == port else { return nil }
        entries[key]?.lastSeen = now
        return entry.session
    }

    /// Ends a session (a logout): its cookie names nothing any more.
    func close(_ session: DashboardSession) {
        entries[session.key] = nil
    }

    private func isAlive(_ entry: Entry, at now: Date) -> Bool {
        now.timeIntervalSince(entry.lastSeen) < idleLimit && now.timeIntervalSince(entry.opened) < lifetime
    }
}
