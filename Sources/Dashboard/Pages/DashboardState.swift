import CompanionCore
import Foundation

/// What the overview shows, gathered by the server from the task service, the store and its own live
/// board: every project with its activity, the recent tasks, the requests that wait for a person.
public struct DashboardState: Sendable {
    /// One project and what happens in it now.
    public struct ProjectState: Sendable {
        public var project: Project
        /// The task running in it (in this process), when one does.
        public var running: TaskSnapshot.Running?
        /// That task's live progress, folded from its events.
        public var progress: ProgressState?
        /// A task another companion process runs in it (the CLI).
        public var elsewhere: StoredTask?
        public var queued: [QueuedTask]
        /// A turn running in it at the desk (the terminal UI), seen through Codex's daemon.
        public var atTheDesk: TaskSnapshot.AtTheDesk?

        public init(
            project: Project, running: TaskSnapshot.Running? = nil, progress: ProgressState? = nil,
            elsewhere: StoredTask? = nil, queued: [QueuedTask] = [], atTheDesk: TaskSnapshot.AtTheDesk? = nil
        ) {
            self.atTheDesk = atTheDesk
            self.project = project
            self.running = running
            self.progress = progress
            self.elsewhere = elsewhere
            self.queued = queued
        }
    }

    public var projects: [ProjectState]
    /// Newest first, across projects.
    public var recent: [StoredTask]
    public var pending: [PendingApproval]
    /// Whether the Telegram bot runs (the page says how to turn it on when it does not).
    public var telegramEnabled: Bool

    public init(projects: [ProjectState], recent: [StoredTask], pending: [PendingApproval], telegramEnabled: Bool) {
        self.projects = projects
        self.recent = recent
        self.pending = pending
        self.telegramEnabled = telegramEnabled
    }
}

/// The audit page's filters (each nil: any).
public struct AuditFilter: Sendable, Equatable {
    public var project: String?
    public var requester: String?
    public var outcome: String?

    public init(project: String? = nil, requester: String? = nil, outcome: String? = nil) {
        self.project = project
        self.requester = requester
        self.outcome = outcome
    }
}
