/// `reply_markup` with an inline keyboard: rows of buttons under a message. A tap sends the button's
/// `callback_data` back as a `callback_query` update.
public struct InlineKeyboardMarkup: Encodable, Sendable, Equatable {
    /// A button that sends data back when tapped.
    public struct Button: Encodable, Sendable, Equatable {
        public var text: String
        /// 1 to 64 bytes, else Telegram rejects the whole message (`BUTTON_DATA_INVALID`).
        public var callbackData: String

        enum CodingKeys: String, CodingKey {
            case text
            case callbackData = "callback_data"
        }

        public init(text: String, callbackData: String) {
            self.text = text
            self.callbackData = callbackData
        }

        /// The most bytes of `callback_data` Telegram accepts.
        public static let maximumDataBytes = 64

        /// Whether Telegram would accept the button: a title, and data of 1 to 64 bytes.
        public var isValid: Bool {
            !text.isEmpty && (1...Self.maximumDataBytes).contains(callbackData.utf8.count)
        }
    }

    public var inlineKeyboard: [[Button]]

    enum CodingKeys: String, CodingKey {
        case inlineKeyboard = "inline_keyboard"
    }

    public init(inlineKeyboard: [[Button]]) {
        self.inlineKeyboard = inlineKeyboard
    }
}
