import Foundation

/// Durable record of task runs. A task row exists from the moment its run starts.
public protocol TaskStoring: Sendable {
    /// Records a task as running and returns its id.
    func startTask(_ task: NewTask) async throws -> Int64
    /// Records a task waiting in a queue and returns its id.
    func queueTask(_ task: NewTask) async throws -> Int64
    /// The Codex process of a running task, to stop it if the companion dies before it does.
    func recordTaskProcess(id: Int64, pid: Int32) async throws
    /// A queued task starts running, in this session.
    func markTaskRunning(id: Int64, session: SessionNote, startedAt: Date) async throws
    /// Ends a task that never ran (dropped from the queue, or no longer runnable) with this status.
    func endTaskWithoutRun(id: Int64, status: TaskStatus, reason: String, at: Date) async throws
    /// Marks every running task interrupted and returns them: after a crash, they are not running any more.
    func interruptRunningTasks(at: Date) async throws -> [StoredTask]
    /// Tasks still queued, oldest first.
    func queuedTasks() async throws -> [StoredTask]
    /// The result of a task reached its chat.
    func markTaskDelivered(id: Int64, at: Date) async throws
    /// Ended tasks from a chat whose result was never delivered (the companion stopped first).
    func undeliveredResults() async throws -> [StoredTask]
    /// Records the end of a task with everything known about it.
    func finishTask(id: Int64, report: TaskReport) async throws
    /// The added/removed line counts shown on the task's result card, kept so /last shows the same card.
    func recordLineCounts(id: Int64, counts: [String: LineCounts]) async throws
    /// The most recent task of a project (any status), if any.
    func lastTask(project: String) async throws -> StoredTask?
    /// How the companion came to know this thread: the requester of the first task on it, if any.
    func requesterOfFirstTask(threadID: String) async throws -> String?
}

public struct NewTask: Sendable, Equatable {
    public var chatID: Int64?
    public var requester: String
    public var project: String
    public var prompt: String
    public var mode: TaskMode
    /// The session it runs in, once known (a queued task learns it when it starts).
    public var session: SessionNote?
    public var startedAt: Date

    public init(chatID: Int64?, requester: String, project: String, prompt: String, mode: TaskMode, session: SessionNote?,
                startedAt: Date) {
        self.chatID = chatID
        self.requester = requester
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.session = session
        self.startedAt = startedAt
    }

    /// The thread the task resumes, if it continues one.
    public var threadID: String? {
        if case .continued(let existing, _) = session { return existing.id }
        return nil
    }
}

public enum TaskMode: String, Sendable, Codable {
    case new
    case `continue`
}

public enum TaskStatus: String, Sendable, Codable {
    case queued, running, done, failed, cancelled, interrupted
}

/// A task as read back from the store: the facts, from which every client renders its own view.
public struct StoredTask: Sendable, Equatable {
    public var id: Int64
    public var chatID: Int64? = nil
    public var requester: String = "cli"
    /// Codex's process id while the task runs.
    public var codexPID: Int32? = nil
    public var project: String
    public var prompt: String
    public var mode: TaskMode
    public var status: TaskStatus
    public var threadID: String?
    public var startedAt: Date
    public var endedAt: Date?
    /// Which session the task ran in; nil for a task that never started.
    public var session: SessionNote? = nil
    public var exitCode: Int32? = nil
    public var finalMessage: String? = nil
    public var failureReason: String? = nil
    public var filesChanged: [FileChange] = []
    public var commands: [CommandExecution] = []
    public var turnUsage: TokenUsage? = nil
    public var lineCounts: [String: LineCounts] = [:]

    public init(id: Int64, project: String, prompt: String, mode: TaskMode, status: TaskStatus, threadID: String?,
                startedAt: Date, endedAt: Date?) {
        self.id = id
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.status = status
        self.threadID = threadID
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    /// The task as a report, so the result card is rendered from the store exactly as it was live.
    public func report(project: Project) -> TaskReport {
        var turn = TurnRecord()
        turn.threadID = threadID
        turn.finalMessage = finalMessage
        turn.filesChanged = filesChanged
        turn.commands = commands
        return TaskReport(
            taskID: id, project: project, prompt: prompt, mode: mode, session: session ?? .new,
            status: status, startedAt: startedAt, endedAt: endedAt ?? startedAt, exitCode: exitCode, turn: turn,
            turnUsage: turnUsage, failureReason: failureReason, stdoutTail: "", stderrTail: "")
    }
}
