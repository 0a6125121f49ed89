import Foundation

/// Everything known about a finished task: what the result card shows and what the store keeps.
public struct TaskReport: Sendable, Equatable {
    public var taskID: Int64
    public var requester: Requester
    public var project: Project
    public var prompt: String
    public var mode: TaskMode
    public var session: SessionNote
    public var status: TaskStatus
    public var startedAt: Date
    public var endedAt: Date
    public var exitCode: Int32?
    public var turn: TurnRecord
    /// This turn's own usage (Codex reports the thread's running total).
    public var turnUsage: TokenUsage?
    /// Codex's own words when the turn failed, or why it could not start.
    public var failureReason: String?
    /// Why the companion stopped the task, when it did.
    public var stopReason: StopReason?
    public var stdoutTail: String
    public var stderrTail: String

    public init(
        taskID: Int64, requester: Requester = .cli, project: Project, prompt: String, mode: TaskMode, session: SessionNote,
        status: TaskStatus,
        startedAt: Date, endedAt: Date, exitCode: Int32?, turn: TurnRecord, turnUsage: TokenUsage?,
        failureReason: String?, stopReason: StopReason? = nil, stdoutTail: String, stderrTail: String
    ) {
        self.taskID = taskID
        self.requester = requester
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.session = session
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.exitCode = exitCode
        self.turn = turn
        self.turnUsage = turnUsage
        self.failureReason = failureReason
        self.stopReason = stopReason
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
    }

    public var duration: TimeInterval { endedAt.timeIntervalSince(startedAt) }

    /// The session the turn ran in: Codex's word when it started one, else the one we resumed.
    public var threadID: String? {
        if let id = turn.threadID, !id.isEmpty { return id }
        return session.resumedThreadID
    }
}
