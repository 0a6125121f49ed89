/// What one Codex turn did, folded from its events as they arrive.
public struct TurnRecord: Sendable, Equatable, Codable {
    public var threadID: String?
    /// Codex's answer: the last agent message of the turn. When text was steered into the running turn,
    /// the answers to the earlier inputs come first, each followed by what was added, so no answer of the
    /// turn is lost (see `answers`).
    public var finalMessage: String?
    /// The answer to each input of the turn, in order: the last agent message before each text added
    /// while the turn ran, and the last one of all. One entry for a turn nobody steered.
    public private(set) var answers: [Answer] = []
    /// Whether the latest agent message already answers the latest input: a later agent message of the
    /// same stretch replaces it (Codex's commentary before the answer is not kept).
    private var answeringLatest = false
    /// The agent message being streamed and not completed yet. Codex 0.163 cuts the response when text is
    /// steered in and samples again with it: that message never completes, so what was streamed of it is
    /// the answer to the earlier input. Optional so records stored without it still decode.
    private var streaming: StreamedMessage?
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
            // The text comes from the deltas (0.163 starts an item with its text and then sends it again).
            if case .agentMessage = item.kind, streaming?.itemID != item.id { streaming = StreamedMessage(itemID: item.id) }
        case .agentMessageDelta(let itemID, let delta):
            if streaming?.itemID != itemID { streaming = StreamedMessage(itemID: itemID) }
            streaming?.text += delta
        case .itemCompleted(let item):
            applyCompleted(item)
        case .turnCompleted(let usage):
            completed = true
            cumulativeUsage = usage
        case .turnFailed(let message):
            failureMessage = message
        case .error(let message):
            if !message.isEmpty { warnings.append(message) }
        case .turnStarted, .unknown:
            break
        }
    }

    private mutating func applyCompleted(_ item: CodexItem) {
        switch item.kind {
        case .agentMessage(let text):
            streaming = nil
            recordAnswer(text)
        case .userMessage(let text):
            // A message cut short by this added text (0.163) is the answer so far, as far as it came.
            if let cut = streaming, !cut.text.isEmpty { recordAnswer(cut.text) }
            streaming = nil
            // A text added while the turn ran (the prompt itself comes before any answer): the answer so
            // far is kept, and the next agent message answers the new input.
            guard answeringLatest, !answers.isEmpty else { return }
            answers[answers.count - 1].followedBy = CodexRecovery.isRecoveryPrompt(text) ? CodexRecovery.shownAs : text
            answeringLatest = false
            finalMessage = Answer.joined(answers)
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
        case .reasoning, .mcpToolCall, .webSearch, .collabToolCall, .unknown:
            break
        }
    }

    /// A later agent message of the same stretch replaces the earlier one; after added input it is a new answer.
    private mutating func recordAnswer(_ text: String) {
        if answeringLatest, !answers.isEmpty {
            answers[answers.count - 1].text = text
        } else {
            answers.append(Answer(text: text))
            answeringLatest = true
        }
        finalMessage = Answer.joined(answers)
    }

    /// A file added and then updated in one turn is still new; one deleted at the end is deleted.
    private func mergedKind(_ earlier: FileChangeKind, _ later: FileChangeKind) -> FileChangeKind {
        if earlier == .add && later == .update { return .add }
        return later
    }
}

/// An agent message as far as its deltas have come.
private struct StreamedMessage: Sendable, Equatable, Codable {
    var itemID: String
    var text = ""
}
