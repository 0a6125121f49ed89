/// A tap on a button under one of the bot's messages, in the core's terms. The Telegram adapter builds it
/// from a `callback_query`; the router never sees Bot API types.
public struct IncomingTap: Sendable, Equatable {
    /// The id the answer to the tap names.
    public var id: String
    public var userID: Int64
    /// The chat of the message the button is under; nil when Telegram did not send the message (too old).
    public var chatID: Int64?
    public var messageID: Int64?
    /// A one-to-one chat with the bot.
    public var isPrivate: Bool
    /// The button's data, as the bot set it.
    public var data: String

    public init(id: String, userID: Int64, chatID: Int64?, messageID: Int64?, isPrivate: Bool, data: String) {
        self.id = id
        self.userID = userID
        self.chatID = chatID
        self.messageID = messageID
        self.isPrivate = isPrivate
        self.data = data
    }
}
