import Foundation

/// What happens to tasks, as the task service publishes it to every subscriber (the Telegram presenter,
/// the CLI, later the dashboard). Events of one task arrive in order: queued?, started, progressed…,
/// finished; or queued, notRun.
public enum TaskEvent: Sendable, Equatable {
    /// The task waits; `position` 1 is next in line.
    case queued(QueuedTask, position: Int)
    /// Codex is starting in `session`.
    case started(StartedTask)
    /// Codex reported progress.
    case progressed(taskID: Int64, CodexEvent)
    /// The task's session is busy in a Codex process the companion cannot reach, and the task waits for
    /// it to be free (it asked to: `TaskRequest.waitsForBusySession`).
    case waitingForSession(taskID: Int64)
    /// A turn ran at the desk in a project; `chats` are those bound to the project, to be told.
    case deskTurnEnded(TaskReport, chats: [Int64])
    /// The run ended; the report is stored.
    case finished(TaskReport)
    /// The task ended without running.
    case notRun(QueuedTask, reason: NotRunReason)
    /// Codex waits for a person to approve an action (app-server engine).
    case approvalRequested(PendingApproval)
    /// An approval request was decided, or expired with its turn.
    case approvalResolved(PendingApproval, ApprovalOutcome)

    /// The task the event is about.
    public var taskID: Int64 {
        switch self {
        case .queued(let task, _), .notRun(let task, _): task.id
        case .started(let task): task.id
        case .progressed(let id, _), .waitingForSession(let id): id
        case .finished(let report), .deskTurnEnded(let report, _): report.taskID
        case .approvalRequested(let pending), .approvalResolved(let pending, _): pending.id.taskID
        }
    }
}

/// A task waiting to run.
public struct QueuedTask: Sendable, Equatable {
    public var id: Int64
    public var request: TaskRequest

    public init(id: Int64, request: TaskRequest) {
        self.id = id
        self.request = request
    }
}

/// A task whose Codex run is starting.
public struct StartedTask: Sendable, Equatable {
    public var id: Int64
    public var request: TaskRequest
    public var session: SessionNote
    public var startedAt: Date

    public init(id: Int64, request: TaskRequest, session: SessionNote, startedAt: Date) {
        self.id = id
        self.request = request
        self.session = session
        self.startedAt = startedAt
    }
}

/// Why a task ended without running.
public enum NotRunReason: Sendable, Equatable {
    /// It stopped for this reason while it waited (cancelled, shutdown, project removed, busy).
    case stopped(StopReason)
    /// The store failed when the task was to start; the log has the details.
    case storeFailed
}
