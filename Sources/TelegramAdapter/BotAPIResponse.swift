/// The envelope of every Bot API answer: `{"ok": true, "result": …}` or
/// `{"ok": false, "error_code": 429, "description": "…", "parameters": {"retry_after": 7}}`.
struct BotAPIResponse<Result: Decodable>: Decodable {
    struct Parameters: Decodable {
        var retryAfter: Int?

        enum CodingKeys: String, CodingKey {
            case retryAfter = "retry_after"
        }
    }

    var ok: Bool?
    var result: Result?
    var errorCode: Int?
    var description: String?
    var parameters: Parameters?

    enum CodingKeys: String, CodingKey {
        case ok, result, description, parameters
        case errorCode = "error_code"
    }
}

/// Any JSON value, skipped: decodes the envelope of an answer whose result did not decode, to tell an
/// unexpected result from an answer that is not the Bot API's at all.
struct IgnoredJSON: Decodable {
    init(from decoder: any Decoder) throws {}
}
