import CompanionCore

/// Turns app-server notifications into the `CodexEvent`s the rest of the companion knows from
/// `codex exec --json`, so the bridge, the record and the clients need not know which engine ran.
///
/// Pure and lenient: every field may be missing (Codex adds and renames them between releases), unknown
/// methods give no event, unknown item types give `.unknown`. It keeps the two things a later message
/// needs from an earlier one: the thread's cumulative token usage (app-server sends it apart from
/// `turn/completed`), and each proposed file change (its approval request names only the item).
public struct AppServerEventMapper: Sendable {
    /// The thread's cumulative usage, from the latest `thread/tokenUsage/updated`.
    public private(set) var lastUsage: TokenUsage?
    private var proposedChanges: [String: FileChangeProposal] = [:]

    public init() {}

    /// What a file change item proposed: its changes, and the per-file diffs joined.
    public struct FileChangeProposal: Sendable, Equatable {
        public var changes: [FileChange]
        public var diff: String?
    }

    /// The event for one notification, or nil when it is not one the companion shows.
    public mutating func event(method: String, params: JSONValue) -> CodexEvent? {
        switch method {
        case "turn/started":
            return .turnStarted
        case "item/started":
            remember(params["item"])
            return Self.item(params["item"]).map(CodexEvent.itemStarted)
        case "item/completed":
            if let id = params["item"]["id"].string { proposedChanges[id] = nil }
            return Self.item(params["item"]).map(CodexEvent.itemCompleted)
        case "item/agentMessage/delta":
            return .agentMessageDelta(itemID: params["itemId"].string ?? "", delta: params["delta"].string ?? "")
        case "turn/plan/updated":
            let steps = (params["plan"].array ?? []).map {
                TodoItem(text: $0["step"].string ?? "", completed: $0["status"].string == "completed")
            }
            return .itemUpdated(CodexItem(id: "plan", kind: .todoList(steps)))
        case "thread/tokenUsage/updated":
            let total = params["tokenUsage"]["total"]
            if case .object = total {
                lastUsage = TokenUsage(
                    inputTokens: total["inputTokens"].int ?? 0, cachedInputTokens: total["cachedInputTokens"].int ?? 0,
                    outputTokens: total["outputTokens"].int ?? 0, reasoningOutputTokens: total["reasoningOutputTokens"].int ?? 0)
            }
            return nil
        case "error":
            return .error(message: params["error"]["message"].string ?? params["message"].string ?? "")
        case "turn/completed":
            let turn = params["turn"]
            switch turn["status"].string {
            case "completed": return .turnCompleted(usage: lastUsage ?? .zero)
            case "failed": return .turnFailed(message: turn["error"]["message"].string ?? "Codex reported a failed turn")
            default: return nil  // interrupted: like `exec` after SIGINT, the end of the process says it all
            }
        default:
            return nil
        }
    }

    /// The changes and diff that the file change item `itemID` proposed, for its approval request.
    public func proposal(for itemID: String) -> FileChangeProposal? {
        proposedChanges[itemID]
    }

    private mutating func remember(_ item: JSONValue) {
        guard item["type"].string == "fileChange", let id = item["id"].string else { return }
        let raw = item["changes"].array ?? []
        let diffs = raw.compactMap { $0["diff"].string }.filter { !$0.isEmpty }
        proposedChanges[id] = FileChangeProposal(
            changes: raw.map(Self.change), diff: diffs.isEmpty ? nil : diffs.joined(separator: "\n"))
    }

    /// One `ThreadItem`, or nil when the notification carries none.
    static func item(_ json: JSONValue) -> CodexItem? {
        guard case .object = json else { return nil }
        let type = json["type"].string ?? ""
        return CodexItem(id: json["id"].string ?? "", kind: kind(type, json))
    }

    private static func kind(_ type: String, _ json: JSONValue) -> CodexItem.Kind {
        switch type {
        case "agentMessage":
            return .agentMessage(text: json["text"].string ?? "")
        case "userMessage":
            let parts = (json["content"].array ?? []).filter { $0["type"].string == "text" }
            return .userMessage(text: parts.compactMap { $0["text"].string }.joined(separator: "\n"))
        case "reasoning":
            let summary = (json["summary"].array ?? []).compactMap(\.string)
            let content = (json["content"].array ?? []).compactMap(\.string)
            return .reasoning(text: (summary.isEmpty ? content : summary).joined(separator: "\n"))
        case "commandExecution":
            return .commandExecution(
                CommandExecution(
                    command: json["command"].string ?? "", aggregatedOutput: json["aggregatedOutput"].string ?? "",
                    exitCode: json["exitCode"].int, status: status(json["status"].string, default: .inProgress)))
        case "fileChange":
            return .fileChange(
                changes: (json["changes"].array ?? []).map(change), status: status(json["status"].string, default: .completed))
        case "mcpToolCall":
            let error = json["error"]["message"].string ?? json["error"].string
            return .mcpToolCall(
                server: json["server"].string ?? "", tool: json["tool"].string ?? "",
                status: status(json["status"].string, default: .inProgress).rawValue, error: error)
        case "webSearch":
            return .webSearch(query: json["query"].string ?? "")
        case "collabAgentToolCall":
            return .collabToolCall
        default:
            return .unknown(type: type)
        }
    }

    private static func change(_ json: JSONValue) -> FileChange {
        FileChange(path: json["path"].string ?? "", kind: FileChangeKind(codexValue: json["kind"]["type"].string ?? json["kind"].string))
    }

    /// App-server statuses are camelCase (`inProgress`); the companion keeps exec's words (`in_progress`).
    static func status(_ value: String?, default fallback: ItemStatus) -> ItemStatus {
        ItemStatus(codexValue: value == "inProgress" ? ItemStatus.inProgress.rawValue : value, default: fallback)
    }
}
