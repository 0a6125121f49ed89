import Foundation

/// What runs and waits right now, for /status and the dashboard.
public struct TaskSnapshot: Sendable, Equatable {
    public struct Running: Sendable, Equatable {
        public var task: QueuedTask
        public var startedAt: Date
        /// Its approval requests that wait for a person.
        public var waitingFor: [PendingApproval] = []

        public init(task: QueuedTask, startedAt: Date, waitingFor: [PendingApproval] = []) {
            self.task = task
            self.startedAt = startedAt
            self.waitingFor = waitingFor
        }
    }

    /// Oldest first.
    public var running: [Running]
    /// In line order.
    public var queued: [QueuedTask]
    /// Running tasks of other companion processes (`codex-companion run` in a terminal), from the store.
    public var elsewhere: [StoredTask]
    /// Turns running at the desk (the terminal UI), oldest first.
    public var atTheDesk: [AtTheDesk]
    public var deskWatch: DeskTurns.Watch

    public struct AtTheDesk: Sendable, Equatable {
        public var project: Project
        public var progress: DeskTurnProgress
        /// Its approval requests the phone was asked (after the grace) and that still wait.
        public var waitingFor: [PendingApproval]

        public init(project: Project, progress: DeskTurnProgress, waitingFor: [PendingApproval] = []) {
            self.project = project
            self.progress = progress
            self.waitingFor = waitingFor
        }
    }

    public init(
        running: [Running], queued: [QueuedTask], elsewhere: [StoredTask], atTheDesk: [AtTheDesk] = [],
        deskWatch: DeskTurns.Watch = .off
    ) {
        self.running = running
        self.queued = queued
        self.elsewhere = elsewhere
        self.atTheDesk = atTheDesk
        self.deskWatch = deskWatch
    }

    public var isIdle: Bool { running.isEmpty && queued.isEmpty && elsewhere.isEmpty && atTheDesk.isEmpty }
}

/// The service's answer to a submitted task.
public enum SubmitAnswer: Sendable, Equatable {
    /// Codex is starting.
    case started(taskID: Int64)
    /// The task waits; `position` 1 is next; `behind` says why.
    case queued(taskID: Int64, position: Int, behind: Blocker)
    /// Not run; the reason is for the requester.
    case refused(SubmitRefusal)
}

/// What a queued task waits for.
public enum Blocker: Sendable, Equatable {
    /// This process runs a task in the project.
    case sameProject(QueuedTask)
    /// Another companion process (the CLI, say) runs a task in the project.
    case otherProcess(StoredTask)
    /// Every parallel slot is busy.
    case allSlots
}

public enum SubmitRefusal: Sendable, Equatable {
    case emptyPrompt
    /// The project is busy and the requester asked not to wait.
    case busy(Blocker)
    case shuttingDown
    /// The store failed; the log has the details.
    case storeFailed
}

/// What became of text sent to a running task.
public enum SteerAnswer: Sendable, Equatable {
    /// It went into the running turn of this task.
    case added(QueuedTask)
    /// Nothing of the requester runs in the project: run the text as a task.
    case notRunning
    /// The engine takes no input (`exec`): run the text as a task (it queues).
    case unsupported
    /// Codex refused it (the log says why): run the text as a task.
    case failed
    case emptyText
}

/// What a cancel request did.
public struct CancelAnswer: Sendable, Equatable {
    /// The running task asked to stop, if any.
    public var stopping: QueuedTask?
    /// Several of the requester's tasks run and none is in the given project: nothing was stopped.
    public var ambiguous: Bool
    /// Queued tasks dropped.
    public var dropped: [QueuedTask]
    /// The requester's queued tasks left waiting (when the scope did not include them).
    public var stillQueued: Int
}
