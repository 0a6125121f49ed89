/// answerCallbackQuery: answers a button tap, which stops the spinner on the button; with `text`, the
/// user sees it briefly at the top of the chat. A query can be answered once, and only for a while.
public struct AnswerCallbackQueryRequest: Encodable, Sendable, Equatable {
    public var callbackQueryID: String
    /// At most 200 characters.
    public var text: String?
    /// True shows `text` as an alert the user must dismiss, rather than a brief notice.
    public var showAlert: Bool

    enum CodingKeys: String, CodingKey {
        case callbackQueryID = "callback_query_id"
        case text
        case showAlert = "show_alert"
    }

    public init(callbackQueryID: String, text: String? = nil, showAlert: Bool = false) {
        self.callbackQueryID = callbackQueryID
        self.text = text
        self.showAlert = showAlert
    }
}
