/// A request to run one Codex turn in a project, from any client.
public struct TaskRequest: Sendable, Equatable {
    public var project: Project
    public var prompt: String
    public var mode: TaskMode
    public var requester: Requester
    /// Images for Codex to look at (absolute paths in the companion's state directory, never in the repository).
    public var images: [String]
    /// Run in a new session forked from this thread (mode `.new`).
    public var forkOf: String?
    /// Continue this thread rather than the repository's latest (mode `.continue`).
    public var continuing: String?
    /// When the session is busy in a Codex process the companion cannot reach, wait until it is free and
    /// run then (within the task's time limit), instead of failing.
    public var waitsForBusySession: Bool

    public init(
        project: Project, prompt: String, mode: TaskMode, requester: Requester, images: [String] = [], forkOf: String? = nil,
        continuing: String? = nil, waitsForBusySession: Bool = false
    ) {
        self.images = images
        self.forkOf = forkOf
        self.continuing = continuing
        self.waitsForBusySession = waitsForBusySession
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.requester = requester
    }
}

public enum TaskMode: String, Sendable, Codable {
    case new
    case `continue`
}

public enum TaskStatus: String, Sendable, Codable {
    case queued, running, done, failed, cancelled, interrupted

    /// The task ended (with any outcome); queued and running ones have not.
    public var hasEnded: Bool { self != .queued && self != .running }
}
