/// editMessageText: replaces the text of a message the bot sent to a chat. Without `reply_markup` (never
/// sent) Telegram also removes the message's buttons, which is what the companion wants after a tap.
public struct EditMessageTextRequest: Encodable, Sendable, Equatable {
    public var chatID: Int64
    public var messageID: Int64
    public var text: String
    public var parseMode: ParseMode?
    public var linkPreviewOptions: LinkPreviewOptions?

    enum CodingKeys: String, CodingKey {
        case chatID = "chat_id"
        case messageID = "message_id"
        case text
        case parseMode = "parse_mode"
        case linkPreviewOptions = "link_preview_options"
    }

    public init(
        chatID: Int64, messageID: Int64, text: String, parseMode: ParseMode? = nil,
        linkPreviewOptions: LinkPreviewOptions? = nil
    ) {
        self.chatID = chatID
        self.messageID = messageID
        self.text = text
        self.parseMode = parseMode
        self.linkPreviewOptions = linkPreviewOptions
    }
}
