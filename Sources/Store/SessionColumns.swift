import CompanionCore
import Foundation

/// A session note as stored: its kind as text in one place, and for a continued session what the card shows.
struct SessionColumns {
    var kind: String
    /// Where a continued session was started; for a fork, the thread it was forked from.
    var origin: String?
    var firstPrompt: String?
    var lastUsedAt: Date?

    init(_ note: SessionNote) {
        switch note {
        case .new:
            kind = "new"
        case .newBecauseNoneFound:
            kind = "new_none_found"
        case .continued(let session, let origin):
            kind = "continued"
            self.origin = origin.stored
            firstPrompt = session.firstPrompt
            lastUsedAt = session.lastUsedAt
        case .forked(let source):
            kind = "forked"
            origin = source
        case .atTheDesk:
            // Desk turns are not stored as tasks; should one be, it reads as a session continued.
            kind = "continued"
        }
    }

    static func note(kind: String?, threadID: String?, origin: String?, firstPrompt: String?, lastUsedAt: Date?) -> SessionNote? {
        switch kind {
        case "new": return .new
        case "new_none_found": return .newBecauseNoneFound
        case "forked": return origin.map { .forked(fromThreadID: $0) } ?? .new
        case "continued":
            guard let threadID else { return .newBecauseNoneFound }
            let session = CodexSession(
                id: threadID, cwd: "", startedAt: nil, lastUsedAt: lastUsedAt ?? .distantPast,
                firstPrompt: firstPrompt, source: "", cumulativeUsage: nil)
            return .continued(session, origin: SessionOrigin(stored: origin ?? ""))
        default: return nil
        }
    }
}
