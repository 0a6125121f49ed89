/// The parts of a Bot API `Update` the companion reads. Everything else is ignored when decoding.
public struct TelegramUpdate: Sendable, Codable, Equatable {
    public var updateID: Int64
    public var message: TelegramMessage?
    public var editedMessage: TelegramMessage?

    enum CodingKeys: String, CodingKey {
        case updateID = "update_id"
        case message
        case editedMessage = "edited_message"
    }

    public init(updateID: Int64, message: TelegramMessage? = nil, editedMessage: TelegramMessage? = nil) {
        self.updateID = updateID
        self.message = message
        self.editedMessage = editedMessage
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
