import Foundation

/// A turn that ran at the desk: started by another client of Codex's daemon (the terminal UI), in a
/// configured repository, and seen by the companion while it ran.
public struct DeskTurn: Sendable, Equatable {
    public var threadID: String
    public var repoPath: String
    /// What the turn did, folded from its events as for the companion's own turns.
    public var record: TurnRecord
    /// When the companion first saw the turn (its start, when the companion followed the thread by then).
    public var startedAt: Date
    public var endedAt: Date

    public init(threadID: String, repoPath: String, record: TurnRecord, startedAt: Date, endedAt: Date) {
        self.threadID = threadID
        self.repoPath = repoPath
        self.record = record
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}
