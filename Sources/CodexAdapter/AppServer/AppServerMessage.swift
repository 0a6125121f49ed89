/// One line from `codex app-server`'s stdout, sorted by its JSON-RPC shape. The app-server speaks JSON-RPC
/// 2.0 without the `"jsonrpc"` member: a `method` with an `id` is a request we must answer, a `method`
/// without one is a notification, and an `id` without a `method` answers one of our requests.
public enum AppServerMessage: Sendable, Equatable {
    /// Codex asks us something and waits (approvals, user input): answer with the same `id`, always.
    case request(id: JSONValue, method: String, params: JSONValue)
    /// Codex tells us something; nothing is expected back.
    case notification(method: String, params: JSONValue)
    /// The result of one of our requests.
    case response(id: JSONValue, result: JSONValue)
    /// One of our requests failed.
    case failure(id: JSONValue, error: AppServerRPCError)

    /// Sorts a line; nil for a line that is not a JSON object or has neither `method` nor `id`.
    public init?(line: some StringProtocol) {
        guard let json = JSONValue(parsing: line), case .object = json else { return nil }
        self.init(json)
    }

    /// Sorts a decoded message; nil when it has neither `method` nor `id`.
    public init?(_ json: JSONValue) {
        let id = json["id"]
        if let method = json["method"].string {
            self =
                id.isNull ? .notification(method: method, params: json["params"]) : .request(id: id, method: method, params: json["params"])
        } else if id.isNull {
            return nil
        } else if case .object = json["error"] {
            self = .failure(id: id, error: AppServerRPCError(json["error"]))
        } else {
            self = .response(id: id, result: json["result"])
        }
    }
}

/// A JSON-RPC error: Codex's own answers (`-32600` with a sentence, such as "no rollout found for thread
/// id …" or "… already has an active writer"), or ours when Codex has exited.
public struct AppServerRPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    init(_ json: JSONValue) {
        self.init(code: json["code"].int ?? 0, message: json["message"].string ?? "Codex refused the request")
    }

    /// Our own code for "Codex has exited (or its input is closed), so no answer will come".
    public static let closedCode = -32099

    public static let closed = AppServerRPCError(code: closedCode, message: "Codex exited before answering")

    /// The app-server closed: no answer, and no point in reporting it as Codex's refusal.
    public var isClosed: Bool { code == Self.closedCode }

    public var description: String { message }
}
