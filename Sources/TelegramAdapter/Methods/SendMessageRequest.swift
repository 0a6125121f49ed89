/// sendMessage: one message of at most 4096 characters (after entity parsing) to a chat.
public struct SendMessageRequest: Encodable, Sendable, Equatable {
    public var chatID: Int64
    public var text: String
    public var parseMode: ParseMode?
    public var linkPreviewOptions: LinkPreviewOptions?
    /// True: the message arrives without a sound.
    public var disableNotification: Bool?
    /// Buttons under the message.
    public var replyMarkup: InlineKeyboardMarkup?
    /// The earlier message it quotes.
    public var replyParameters: ReplyParameters?

    enum CodingKeys: String, CodingKey {
        case chatID = "chat_id"
        case text
        case parseMode = "parse_mode"
        case linkPreviewOptions = "link_preview_options"
        case disableNotification = "disable_notification"
        case replyMarkup = "reply_markup"
        case replyParameters = "reply_parameters"
    }

    public init(
        chatID: Int64, text: String, parseMode: ParseMode? = nil, linkPreviewOptions: LinkPreviewOptions? = nil,
        disableNotification: Bool? = nil, replyMarkup: InlineKeyboardMarkup? = nil, replyParameters: ReplyParameters? = nil
    ) {
        self.chatID = chatID
        self.text = text
        self.parseMode = parseMode
        self.linkPreviewOptions = linkPreviewOptions
        self.disableNotification = disableNotification
        self.replyMarkup = replyMarkup
        self.replyParameters = replyParameters
    }
}
