/// A request to run one Codex turn for a project, from any client.
public struct BridgeRequest: Sendable, Equatable {
    public var project: Project
    public var prompt: String
    public var mode: TaskMode
    /// `cli`, or `telegram:<chat id>`: recorded with the task and in the activity log.
    public var requester: String
    public var chatID: Int64?

    public init(project: Project, prompt: String, mode: TaskMode, requester: String, chatID: Int64? = nil) {
        self.project = project
        self.prompt = prompt
        self.mode = mode
        self.requester = requester
        self.chatID = chatID
    }
}

/// A request the bridge refuses before running anything; the text is for the user.
public struct BridgeRefusal: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
