import CompanionCore

/// What the companion does with a request from Codex. Codex blocks the turn until a request is answered
/// and never times one out, so every request gets an answer: approvals go to the user, the few other
/// kinds get a safe "no" at once, and anything unknown gets a JSON-RPC error rather than silence.
public enum AppServerRequestPlan: Sendable, Equatable {
    /// Ask the user through the turn channel, then answer `{"decision": <ApprovalDecision.rawValue>}`.
    case askUser(ApprovalRequest)
    /// Answer at once with this result.
    case answer(JSONValue)
    /// Refuse with this JSON-RPC error.
    case refuse(AppServerRPCError)

    /// The error for requests the companion does not handle (-32601, "method not found").
    public static let unsupported = AppServerRPCError(code: -32601, message: "not supported by codex-companion")

    /// The plan for Codex's request `method`. `proposal` finds what a file change item proposed (its
    /// approval request names only the item; the changes came earlier, in `item/started`).
    public static func plan(
        method: String, params: JSONValue, proposal: (String) -> AppServerEventMapper.FileChangeProposal? = { _ in nil }
    ) -> AppServerRequestPlan {
        let turnID = params["turnId"].string ?? ""
        let itemID = params["itemId"].string ?? ""
        let reason = params["reason"].string
        switch method {
        case "item/commandExecution/requestApproval":
            let action = ApprovalRequest.Action.command(command: params["command"].string ?? "", cwd: params["cwd"].string)
            return .askUser(
                ApprovalRequest(
                    turnID: turnID, itemID: itemID, action: action, reason: reason,
                    available: availableDecisions(params["availableDecisions"])))
        case "item/fileChange/requestApproval":
            let proposed = proposal(itemID)
            let action = ApprovalRequest.Action.fileChange(changes: proposed?.changes ?? [], diff: proposed?.diff)
            return .askUser(
                ApprovalRequest(
                    turnID: turnID, itemID: itemID, action: action, reason: reason,
                    available: availableDecisions(params["availableDecisions"])))
        case "item/permissions/requestApproval":
            // Extra sandbox permissions: grant none, for this turn only. The command then runs in the
            // sandbox as configured, or asks again through a command approval.
            return .answer(["permissions": [:], "scope": "turn"])
        case "mcpServer/elicitation/request":
            return .answer(["action": "decline", "content": nil, "_meta": nil])
        case "item/tool/requestUserInput":
            return .answer(["answers": [:]])
        default:
            return .refuse(unsupported)
        }
    }

    /// The plain-string decisions Codex listed that the companion knows; nil when it listed none. Object
    /// decisions (`acceptWithExecpolicyAmendment`, …) have no button and are left out.
    static func availableDecisions(_ json: JSONValue) -> [ApprovalDecision]? {
        guard let list = json.array else { return nil }
        return list.compactMap { $0.string.flatMap(ApprovalDecision.init(rawValue:)) }
    }
}
