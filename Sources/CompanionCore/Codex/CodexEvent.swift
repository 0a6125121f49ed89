/// One line of `codex exec --json` output, typed.
public enum CodexEvent: Sendable, Equatable {
    case threadStarted(threadID: String)
    case turnStarted
    case itemStarted(CodexItem)
    case itemUpdated(CodexItem)
    case itemCompleted(CodexItem)
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
        case reasoning(text: String)
        case commandExecution(CommandExecution)
        case fileChange(changes: [FileChange], status: String)
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
    /// in_progress, completed, failed or declined.
    public var status: String

    public init(command: String, aggregatedOutput: String = "", exitCode: Int?, status: String) {
        self.command = command
        self.aggregatedOutput = aggregatedOutput
        self.exitCode = exitCode
        self.status = status
    }

    public var failed: Bool {
        if let exitCode { return exitCode != 0 }
        return status == "failed" || status == "declined"
    }
}

public struct FileChange: Sendable, Equatable, Codable {
    /// Absolute path, as Codex reports it.
    public var path: String
    /// add, delete or update.
    public var kind: String

    public init(path: String, kind: String) {
        self.path = path
        self.kind = kind
    }

    /// + added, − deleted, ~ updated.
    public var marker: String {
        switch kind {
        case "add": "+"
        case "delete": "−"
        default: "~"
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
