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

    /// The turn as a report, for the same result card as the companion's own turns (no task: id 0).
    public func report(project: Project) -> TaskReport {
        let status: TaskStatus = record.completed ? .done : record.failureMessage != nil ? .failed : .interrupted
        return TaskReport(
            taskID: 0, project: project, prompt: "", mode: .continue, session: .atTheDesk(threadID: threadID), status: status,
            startedAt: startedAt, endedAt: endedAt, exitCode: nil, turn: record, turnUsage: nil,
            failureReason: record.failureMessage, stdoutTail: "", stderrTail: "")
    }

    public init(threadID: String, repoPath: String, record: TurnRecord, startedAt: Date, endedAt: Date) {
        self.threadID = threadID
        self.repoPath = repoPath
        self.record = record
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// A turn running at the desk, as /status and the dashboard show it: where, since when, what it does now.
public struct DeskTurnProgress: Sendable, Equatable {
    public var threadID: String
    public var repoPath: String
    /// When the companion first saw the turn.
    public var startedAt: Date
    /// The current action ("running `npm test`"), when Codex is doing one.
    public var doing: String?
    public var steps: Int

    public init(threadID: String, repoPath: String, startedAt: Date, doing: String?, steps: Int) {
        self.threadID = threadID
        self.repoPath = repoPath
        self.startedAt = startedAt
        self.doing = doing
        self.steps = steps
    }
}
