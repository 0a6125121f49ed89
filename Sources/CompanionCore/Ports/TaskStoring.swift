import Foundation

/// Durable record of tasks, shared by every companion process on this state directory (the daemon and
/// the CLI). It enforces one running task per project across processes: `markTaskRunning` is the only
/// way into `running`, and it fails with `ProjectBusy` while another task of the project runs.
public protocol TaskStoring: Sendable {
    /// Records a task waiting to run and returns its id. Every task starts here.
    func queueTask(_ task: NewTask) async throws -> Int64
    /// Takes the project's one running slot for a queued task, in this session, owned by process
    /// `ownerPID`. Throws `ProjectBusy` (with the task holding the slot) when another task of the project
    /// is running, in any process.
    func markTaskRunning(id: Int64, session: SessionNote, startedAt: Date, ownerPID: Int32) async throws
    /// The Codex process of a running task (its id, and when it started), to stop it if the companion dies
    /// before it does.
    func recordTaskProcess(id: Int64, pid: Int32, started: ProcessStartTime?) async throws
    /// Records the end of a run with everything known about it, and frees the project's slot.
    func finishTask(id: Int64, report: TaskReport) async throws
    /// Ends a task that never ran (dropped from the queue, refused, no longer runnable). The requester
    /// was told at once, so nothing is left to deliver.
    func endTaskWithoutRun(id: Int64, reason: StopReason, at: Date) async throws
    /// Ends a task recorded as running whose process is gone: `reason` is why (a restart, usually).
    func interruptTask(id: Int64, reason: StopReason, at: Date) async throws
    /// Tasks recorded as running, oldest first, with their owner and Codex process ids.
    func runningTasks() async throws -> [StoredTask]
    /// The running task of a project, in any process.
    func runningTask(project: String) async throws -> StoredTask?
    /// Tasks still queued, oldest first.
    func queuedTasks() async throws -> [StoredTask]
    /// The result of a task reached its chat.
    func markTaskDelivered(id: Int64, at: Date) async throws
    /// Ended tasks from a chat whose result was never delivered (the companion stopped first).
    func undeliveredResults() async throws -> [StoredTask]
    /// The chat message that shows the task's live progress while it is unfinished (posted, not yet
    /// edited into its final one-line form); nil once it is final. A restart finishes those left behind.
    func recordProgressMessage(id: Int64, messageID: Int64?) async throws
    /// Tasks no longer running whose progress message was never made final (the companion stopped
    /// first), oldest first.
    func unfinishedProgressMessages() async throws -> [StoredTask]
    /// The added/removed line counts shown on the task's result card, kept so /last shows the same card.
    func recordLineCounts(id: Int64, counts: [String: LineCounts]) async throws
    /// The most recent task of a project (any status), if any.
    func lastTask(project: String) async throws -> StoredTask?
    /// One task by its id (a button names it).
    func task(id: Int64) async throws -> StoredTask?
    /// The newest tasks across projects, newest first (an index walk, whatever the store holds).
    func recentTasks(limit: Int) async throws -> [StoredTask]
    /// Who started this thread in the companion: the requester of the task that made it (a new session),
    /// if any. A thread the companion only continued has none: it keeps the origin its file gives.
    func requesterOfFirstTask(threadID: String) async throws -> Requester?
}

/// Another task holds the project's running slot.
public struct ProjectBusy: Error, Equatable {
    /// The task holding it, when it could be read.
    public var holder: StoredTask?

    public init(holder: StoredTask?) {
        self.holder = holder
    }
}

public struct NewTask: Sendable, Equatable {
    public var requester: Requester
    public var project: String
    public var prompt: String
    public var mode: TaskMode
    /// When it was asked for; replaced by the start time once it runs.
    public var askedAt: Date
    /// The companion process that will run it: a restarted daemon leaves the tasks of a live CLI alone.
    public var ownerPID: Int32
    /// Images that go with the prompt.
    public var images: [String]

    public init(
        requester: Requester, project: String, prompt: String, mode: TaskMode, askedAt: Date, ownerPID: Int32,
        images: [String] = []
    ) {
        self.images = images
        self.requester = requester
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.askedAt = askedAt
        self.ownerPID = ownerPID
    }
}

/// A task as read back from the store: the facts, from which every client renders its own view.
public struct StoredTask: Sendable, Equatable {
    public var id: Int64
    public var requester: Requester = .cli
    /// The companion process that runs it, while it runs.
    public var ownerPID: Int32? = nil
    /// Codex's process id while the task runs.
    public var codexPID: Int32? = nil
    /// When that process started (nil for a task recorded before this was kept).
    public var codexStartedAt: ProcessStartTime? = nil
    public var project: String
    public var prompt: String
    /// Images that went with the prompt.
    public var images: [String] = []
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
    public var stopReason: StopReason? = nil
    public var filesChanged: [FileChange] = []
    public var commands: [CommandExecution] = []
    public var turnUsage: TokenUsage? = nil
    public var lineCounts: [String: LineCounts] = [:]
    /// The chat message showing the task's progress, while it is not yet in its final form.
    public var progressMessageID: Int64? = nil

    public init(
        id: Int64, project: String, prompt: String, mode: TaskMode, status: TaskStatus, threadID: String?,
        startedAt: Date, endedAt: Date?
    ) {
        self.id = id
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.status = status
        self.threadID = threadID
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    public var chatID: Int64? { requester.chatID }

    /// The task as a report, so the result card is rendered from the store exactly as it was live.
    public func report(project: Project) -> TaskReport {
        var turn = TurnRecord()
        turn.threadID = threadID
        turn.finalMessage = finalMessage
        turn.filesChanged = filesChanged
        turn.commands = commands
        return TaskReport(
            taskID: id, requester: requester, project: project, prompt: prompt, mode: mode, session: session ?? .new,
            status: status, startedAt: startedAt, endedAt: endedAt ?? startedAt, exitCode: exitCode, turn: turn,
            turnUsage: turnUsage, failureReason: failureReason, stopReason: stopReason, stdoutTail: "", stderrTail: "")
    }
}
