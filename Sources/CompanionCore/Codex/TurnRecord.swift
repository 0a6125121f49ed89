/// What one Codex turn did, folded from its events as they arrive.
public struct TurnRecord: Sendable, Equatable, Codable {
    public var threadID: String?
    /// The last agent message of the turn: Codex's answer.
    public var finalMessage: String?
    /// One entry per path, with the latest kind.
    public var filesChanged: [FileChange] = []
    /// Finished commands in the order they finished.
    public var commands: [CommandExecution] = []
    /// Cumulative usage of the thread at the end of the turn, when it completed.
    public var cumulativeUsage: TokenUsage?
    public var completed = false
    /// `turn.failed`'s message.
    public var failureMessage: String?
    /// Non-fatal `error` events and error items, in order.
    public var warnings: [String] = []
    public var plan: [TodoItem] = []
    public var eventCount = 0

    public init() {}

    public mutating func apply(_ event: CodexEvent) {
        eventCount += 1
        switch event {
        case .threadStarted(let id):
            threadID = id
        case .itemStarted(let item), .itemUpdated(let item):
            if case .todoList(let items) = item.kind { plan = items }
        case .itemCompleted(let item):
            applyCompleted(item)
        case .turnCompleted(let usage):
            completed = true
            cumulativeUsage = usage
        case .turnFailed(let message):
            failureMessage = message
        case .error(let message):
            if !message.isEmpty { warnings.append(message) }
        case .turnStarted, .agentMessageDelta, .unknown:
            break
        }
    }

    private mutating func applyCompleted(_ item: CodexItem) {
        switch item.kind {
        case .agentMessage(let text):
            finalMessage = text
        case .commandExecution(let command):
            commands.append(command)
        case .fileChange(let changes, let status):
            guard !status.failed else { return }
            for change in changes {
                if let index = filesChanged.firstIndex(where: { $0.path == change.path }) {
                    filesChanged[index] = FileChange(path: change.path, kind: mergedKind(filesChanged[index].kind, change.kind))
                } else {
                    filesChanged.append(change)
                }
            }
        case .todoList(let items):
            plan = items
        case .error(let message):
            if !message.isEmpty { warnings.append(message) }
        case .reasoning, .userMessage, .mcpToolCall, .webSearch, .collabToolCall, .unknown:
            break
        }
    }

    /// A file added and then updated in one turn is still new; one deleted at the end is deleted.
    private func mergedKind(_ earlier: FileChangeKind, _ later: FileChangeKind) -> FileChangeKind {
        if earlier == .add && later == .update { return .add }
        return later
    }
}
