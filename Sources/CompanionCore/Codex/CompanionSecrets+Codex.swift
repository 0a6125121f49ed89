import Foundation

/// Secret values taken out of what Codex reports, before anything is stored, logged or shown.
extension CompanionSecrets {
    /// The event with every text in it redacted. A streamed piece of an answer is redacted on its own
    /// here; `RedactingEventStream` also catches a secret split across pieces.
    public func redact(_ event: CodexEvent) -> CodexEvent {
        guard !values.isEmpty else { return event }
        switch event {
        case .threadStarted, .turnStarted, .turnCompleted, .unknown:
            return event
        case .itemStarted(let item): return .itemStarted(redact(item))
        case .itemUpdated(let item): return .itemUpdated(redact(item))
        case .itemCompleted(let item): return .itemCompleted(redact(item))
        case .agentMessageDelta(let itemID, let delta): return .agentMessageDelta(itemID: itemID, delta: redact(delta))
        case .turnFailed(let message): return .turnFailed(message: redact(message))
        case .error(let message): return .error(message: redact(message))
        }
    }

    public func redact(_ item: CodexItem) -> CodexItem {
        guard !values.isEmpty else { return item }
        let kind: CodexItem.Kind
        switch item.kind {
        case .agentMessage(let text): kind = .agentMessage(text: redact(text))
        case .userMessage(let text): kind = .userMessage(text: redact(text))
        case .reasoning(let text): kind = .reasoning(text: redact(text))
        case .commandExecution(let command): kind = .commandExecution(redact(command))
        case .fileChange(let changes, let status):
            kind = .fileChange(changes: changes.map { FileChange(path: redact($0.path), kind: $0.kind) }, status: status)
        case .mcpToolCall(let server, let tool, let status, let error):
            kind = .mcpToolCall(server: server, tool: tool, status: status, error: error.map(redact))
        case .webSearch(let query): kind = .webSearch(query: redact(query))
        case .todoList(let items): kind = .todoList(items.map { TodoItem(text: redact($0.text), completed: $0.completed) })
        case .error(let message): kind = .error(message: redact(message))
        case .collabToolCall, .unknown: kind = item.kind
        }
        return CodexItem(id: item.id, kind: kind)
    }

    /// The request as it is shown and stored: a secret in the command, its directory, Codex's reason or
    /// the diff reads `[redacted]` (the person sees that one is there; Codex's answer is by the request's
    /// id, so what runs is unchanged).
    public func redact(_ request: ApprovalRequest) -> ApprovalRequest {
        guard !values.isEmpty else { return request }
        var request = request
        switch request.action {
        case .command(let command, let cwd):
            request.action = .command(command: redact(command), cwd: cwd.map(redact))
        case .fileChange(let changes, let diff):
            let paths = changes.map { FileChange(path: redact($0.path), kind: $0.kind) }
            request.action = .fileChange(changes: paths, diff: diff.map(redact))
        }
        request.reason = request.reason.map(redact)
        return request
    }

    public func redact(_ command: CommandExecution) -> CommandExecution {
        var command = command
        command.command = redact(command.command)
        command.aggregatedOutput = redact(command.aggregatedOutput)
        return command
    }

    /// The result with its record and its output tails redacted.
    public func redact(_ result: CodexRunResult) -> CodexRunResult {
        guard !values.isEmpty else { return result }
        var result = result
        result.turn = redact(result.turn)
        result.stdoutTail = redact(result.stdoutTail)
        result.stderrTail = redact(result.stderrTail)
        return result
    }

    /// The record with every text in it redacted, whatever fields it has: it goes through its JSON form,
    /// so a field added later is covered without a change here.
    public func redact(_ turn: TurnRecord) -> TurnRecord {
        guard !values.isEmpty else { return turn }
        guard let data = try? JSONEncoder().encode(turn), let tree = try? JSONSerialization.jsonObject(with: data),
            let redacted = try? JSONSerialization.data(withJSONObject: redactStrings(in: tree)),
            let decoded = try? JSONDecoder().decode(TurnRecord.self, from: redacted)
        else {
            // Cannot happen for a record that encodes; if it does, keep nothing Codex wrote.
            var empty = TurnRecord()
            empty.threadID = turn.threadID
            empty.completed = turn.completed
            empty.cumulativeUsage = turn.cumulativeUsage
            return empty
        }
        return decoded
    }

    private func redactStrings(in value: Any) -> Any {
        switch value {
        case let text as String: return redact(text)
        case let array as [Any]: return array.map(redactStrings)
        case let object as [String: Any]: return object.mapValues(redactStrings)
        default: return value
        }
    }
}
