import CompanionCore
import Foundation

/// A logged-in browser: what its pages carry as the CSRF token.
struct DashboardSession: Sendable, Equatable {
    var csrf: String
}

/// The dashboard's sessions, in memory only (a restart logs everybody out, and no session id is ever
/// written anywhere). The cookie holds a random id; the book keys sessions by its SHA-256, so a lookup's
/// timing says nothing about the ids it holds. A session unused for `idleLimit` is gone.
actor SessionBook {
    private struct Entry {
        var session: DashboardSession
        var lastSeen: Date
    }

    private let idleLimit: TimeInterval
    private let clock: any TaskClock
    private var entries: [String: Entry] = [:]

    init(idleLimit: Duration, clock: any TaskClock) {
        self.idleLimit = idleLimit.seconds
        self.clock = clock
    }

    /// Opens a session and returns the cookie value that names it.
    func open() -> (id: String, session: DashboardSession) {
        let now = clock.now()
        entries = entries.filter { now.timeIntervalSince($0.value.lastSeen) < idleLimit }
        let id = SecretToken.random(byteCount: 32)
        let session = DashboardSession(csrf: SecretToken.random(byteCount: 32))
        entries[LoginLink.hash(id)] = Entry(session: session, lastSeen: now)
        return (id, session)
    }

    /// The session a cookie names, while it is alive; using it keeps it alive.
    func session(id: String) -> DashboardSession? {
        let key = LoginLink.hash(id)
        let now = clock.now()
        guard let entry = entries[key] else { return nil }
        guard now.timeIntervalSince(entry.lastSeen) < idleLimit else {
            entries[key] = nil
            return nil
        }
        entries[key]?.lastSeen = now
        return entry.session
    }
}
