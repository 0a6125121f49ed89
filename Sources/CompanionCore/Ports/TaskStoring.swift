import Foundation

/// Durable record of task runs. A task row exists from the moment its run starts.
public protocol TaskStoring: Sendable {
    /// Records a task as running and returns its id.
    func startTask(_ task: NewTask) async throws -> Int64
    /// Records a task waiting in a queue and returns its id.
    func queueTask(_ task: NewTask) async throws -> Int64
    /// The Codex process of a running task, to stop it if the companion dies before it does.
    func recordTaskProcess(id: Int64, pid: Int32) async throws
    /// A queued task starts running.
    func markTaskRunning(id: Int64, threadID: String?, startedAt: Date) async throws
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
    public var threadID: String?
    public var startedAt: Date

    public init(chatID: Int64?, requester: String, project: String, prompt: String, mode: TaskMode, threadID: String?, startedAt: Date) {
        self.chatID = chatID
        self.requester = requester
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.threadID = threadID
        self.startedAt = startedAt
    }
}

public enum TaskMode: String, Sendable, Codable {
    case new
    case `continue`
}

public enum TaskStatus: String, Sendable, Codable {
    case queued, running, done, failed, cancelled, interrupted
}

/// A task as read back from the store.
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
    public var summary: String?

    public init(id: Int64, project: String, prompt: String, mode: TaskMode, status: TaskStatus, threadID: String?,
                startedAt: Date, endedAt: Date?, summary: String?) {
        self.id = id
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.status = status
        self.threadID = threadID
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.summary = summary
    }
}
