/// The parts of a Bot API `Update` the companion reads. Everything else is ignored when decoding.
public struct TelegramUpdate: Sendable, Codable, Equatable {
    public var updateID: Int64
    public var message: TelegramMessage?
    public var editedMessage: TelegramMessage?
    /// A tap on a button under one of the bot's messages.
    public var callbackQuery: TelegramCallbackQuery?

    enum CodingKeys: String, CodingKey {
        case updateID = "update_id"
        case message
        case editedMessage = "edited_message"
        case callbackQuery = "callback_query"
    }

    public init(
        updateID: Int64, message: TelegramMessage? = nil, editedMessage: TelegramMessage? = nil,
        callbackQuery: TelegramCallbackQuery? = nil
    ) {
        self.updateID = updateID
        self.message = message
        self.editedMessage = editedMessage
        self.callbackQuery = callbackQuery
    }
}

/// A Bot API `CallbackQuery`: a tap on an inline button.
public struct TelegramCallbackQuery: Sendable, Codable, Equatable {
    /// The id its answer (answerCallbackQuery) names.
    public var id: String
    /// Who tapped: the user to authorise.
    public var from: TelegramUser
    /// The message the button is under; nil when Telegram left it out.
    public var message: TelegramTappedMessage?
    /// The button's `callback_data`; nil for buttons of other kinds (games).
    public var data: String?

    enum CodingKeys: String, CodingKey {
        case id, from, message, data
    }

    public init(id: String, from: TelegramUser, message: TelegramTappedMessage?, data: String?) {
        self.id = id
        self.from = from
        self.message = message
        self.data = data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        from = try container.decode(TelegramUser.self, forKey: .from)
        // A message in an unexpected shape must not cost the tap: it is read without it.
        message = (try? container.decodeIfPresent(TelegramTappedMessage.self, forKey: .message)) ?? nil
        data = try container.decodeIfPresent(String.self, forKey: .data)
    }
}

/// The message a tapped button is under (a Bot API `MaybeInaccessibleMessage`): only what both kinds
/// carry. A message too old for the bot to see comes as an `InaccessibleMessage`, whose date is 0.
public struct TelegramTappedMessage: Sendable, Codable, Equatable {
    public var messageID: Int64
    public var chat: TelegramChat

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case chat
    }

    public init(messageID: Int64, chat: TelegramChat) {
        self.messageID = messageID
        self.chat = chat
    }
}

public struct TelegramMessage: Sendable, Codable, Equatable {
    public var messageID: Int64
    public var from: TelegramUser?
    public var chat: TelegramChat
    /// Unix time the message was sent.
    public var date: Int64
    public var text: String?
    public var caption: String?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case from, chat, date, text, caption
    }

    public init(messageID: Int64, from: TelegramUser?, chat: TelegramChat, date: Int64, text: String?, caption: String? = nil) {
        self.messageID = messageID
        self.from = from
        self.chat = chat
        self.date = date
        self.text = text
        self.caption = caption
    }
}

public struct TelegramUser: Sendable, Codable, Equatable {
    public var id: Int64
    public var isBot: Bool?
    public var username: String?

    enum CodingKeys: String, CodingKey {
        case id
        case isBot = "is_bot"
        case username
    }

    public init(id: Int64, isBot: Bool? = false, username: String? = nil) {
        self.id = id
        self.isBot = isBot
        self.username = username
    }
}

public struct TelegramChat: Sendable, Codable, Equatable {
    public var id: Int64
    /// private, group, supergroup or channel.
    public var type: String

    public init(id: Int64, type: String) {
        self.id = id
        self.type = type
    }
}
