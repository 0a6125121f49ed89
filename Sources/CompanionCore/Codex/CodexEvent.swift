/// What Codex reports during a turn, typed: one line of `codex exec --json`, or one app-server notification.
public enum CodexEvent: Sendable, Equatable {
    case threadStarted(threadID: String)
    case turnStarted
    case itemStarted(CodexItem)
    case itemUpdated(CodexItem)
    case itemCompleted(CodexItem)
    /// A piece of the answer as the model writes it (app-server only; `exec` sends whole messages).
    case agentMessageDelta(itemID: String, delta: String)
    /// `usage` is cumulative for the whole thread, as Codex reports it.
    case turnCompleted(usage: TokenUsage)
    case turnFailed(message: String)
    /// Not always fatal: stream retries show up as errors too.
    case error(message: String)
    /// A type this version does not know; kept so callers can count or log it.
    case unknown(type: String)
}

/// An item of a turn: `item_0`, `item_1`… pair the started, updated and completed events.
public struct CodexItem: Sendable, Equatable {
    public var id: String
    public var kind: Kind

    public init(id: String, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    public enum Kind: Sendable, Equatable {
        case agentMessage(text: String)
        /// The user's input inside the turn: the prompt, or text steered into the running turn (app-server).
        case userMessage(text: String)
        case reasoning(text: String)
        case commandExecution(CommandExecution)
        case fileChange(changes: [FileChange], status: ItemStatus)
        case mcpToolCall(server: String, tool: String, status: String, error: String?)
        case webSearch(query: String)
        case todoList([TodoItem])
        case collabToolCall
        case error(message: String)
        case unknown(type: String)
    }
}

public struct CommandExecution: Sendable, Equatable, Codable {
    public var command: String
    public var aggregatedOutput: String
    /// nil while the command runs.
    public var exitCode: Int?
    public var status: ItemStatus

    public init(command: String, aggregatedOutput: String = "", exitCode: Int?, status: ItemStatus) {
        self.command = command
        self.aggregatedOutput = aggregatedOutput
        self.exitCode = exitCode
        self.status = status
    }

    public var failed: Bool {
        if let exitCode { return exitCode != 0 }
        return status.failed
    }
}

public struct FileChange: Sendable, Equatable, Codable {
    /// Absolute path, as Codex reports it.
    public var path: String
    public var kind: FileChangeKind

    public init(path: String, kind: FileChangeKind) {
        self.path = path
        self.kind = kind
    }

    /// + added, − deleted, ~ updated.
    public var marker: String {
        switch kind {
        case .add: "+"
        case .delete: "−"
        case .update: "~"
        }
    }
}

public struct TodoItem: Sendable, Equatable, Codable {
    public var text: String
    public var completed: Bool

    public init(text: String, completed: Bool) {
        self.text = text
        self.completed = completed
    }
}

/// How an item (a command, a file change) stands, in Codex's words: `in_progress`, `completed`,
/// `failed`, `declined`. Stored as those words in the task's JSON columns.
public enum ItemStatus: String, Sendable, Equatable, Codable {
    case inProgress = "in_progress"
    case completed
    case failed
    case declined

    /// A status this version does not know counts as completed: it is not shown as a failure.
    public init(codexValue: String?, default fallback: ItemStatus) {
        self = codexValue.flatMap(ItemStatus.init(rawValue:)) ?? fallback
    }

    public init(from decoder: Decoder) throws {
        self.init(codexValue: try decoder.singleValueContainer().decode(String.self), default: .completed)
    }

    /// Failed, or not allowed to run.
    public var failed: Bool { self == .failed || self == .declined }
}

/// What a file change did, in Codex's words: `add`, `delete`, `update`.
public enum FileChangeKind: String, Sendable, Equatable, Codable {
    case add, delete, update

    public init(codexValue: String?) {
        self = codexValue.flatMap(FileChangeKind.init(rawValue:)) ?? .update
    }

    public init(from decoder: Decoder) throws {
        self.init(codexValue: try decoder.singleValueContainer().decode(String.self))
    }
}
