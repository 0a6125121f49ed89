/// A request to run one Codex turn in a project, from any client.
public struct TaskRequest: Sendable, Equatable {
    public var project: Project
    public var prompt: String
    public var mode: TaskMode
    public var requester: Requester
    /// Images for Codex to look at (absolute paths in the companion's state directory, never in the repository).
    public var images: [String]

    public init(project: Project, prompt: String, mode: TaskMode, requester: Requester, images: [String] = []) {
        self.images = images
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
