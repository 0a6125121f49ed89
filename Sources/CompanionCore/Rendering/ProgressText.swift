/// One short line per Codex event worth showing while a task runs; nil for events that are not.
public enum ProgressText {
    public static func line(for event: CodexEvent, repoPath: String) -> String? {
        switch event {
        case .threadStarted(let id):
            return "session \(id.suffix(8))"
        case .itemStarted(let item):
            switch item.kind {
            case .commandExecution(let command):
                return "running \(ReportText.shorten(CommandText.display(command.command), to: 70))"
            case .fileChange(let changes, _):
                return "editing " + changes.map { ReportText.relative($0.path, to: repoPath) }.joined(separator: ", ")
            case .mcpToolCall(let server, let tool, _, _):
                return "calling \(server).\(tool)"
            case .webSearch(let query):
                return "searching the web: \(query)"
            default:
                return nil
            }
        case .itemCompleted(let item):
            switch item.kind {
            case .commandExecution(let command):
                let mark = command.failed ? "✗" : "✓"
                let code = command.exitCode.map { " (exit \($0))" } ?? ""
                return "\(mark) \(ReportText.shorten(CommandText.display(command.command), to: 70))\(code)"
            case .fileChange(let changes, _):
                return "✓ edited " + changes.map { ReportText.relative($0.path, to: repoPath) }.joined(separator: ", ")
            case .todoList(let items):
                return "plan \(items.filter(\.completed).count)/\(items.count) done"
            case .agentMessage:
                return "answer ready"
            default:
                return nil
            }
        case .itemUpdated(let item):
            if case .todoList(let items) = item.kind {
                return "plan \(items.filter(\.completed).count)/\(items.count) done"
            }
            return nil
        case .error(let message):
            return "warning: \(message)"
        case .turnFailed(let message):
            return "failed: \(message)"
        case .turnStarted, .turnCompleted, .agentMessageDelta, .unknown:
            return nil
        }
    }
}
