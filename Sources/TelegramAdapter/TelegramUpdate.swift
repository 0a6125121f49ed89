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
    /// The text sent with a photo, a document or a voice note.
    public var caption: String?
    /// The sizes Telegram keeps of a photo, each a file of its own.
    public var photo: [TelegramPhotoSize]?
    /// A file sent as a document. Telegram also sets it beside an `animation`, which is not one.
    public var document: TelegramDocument?
    /// A music file; read as a document.
    public var audio: TelegramDocument?
    public var voice: TelegramVoice?
    /// Photos or files sent together (an album) share it; each arrives as a message of its own.
    public var mediaGroupID: String?
    /// The fields present that the companion cannot use (`sticker`, `video`, `location`, …, and a media
    /// field it could not read), by their Bot API names.
    public var unsupportedContent: [String]

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case from, chat, date, text, caption, photo, document, audio, voice
        case mediaGroupID = "media_group_id"
        // Content the companion cannot use: only noted.
        case sticker, video, animation, location, venue, contact, poll, dice, game, story
        case videoNote = "video_note"
        case paidMedia = "paid_media"
    }

    static let unsupportedKeys: [CodingKeys] = [
        .sticker, .video, .videoNote, .animation, .location, .venue, .contact, .poll, .dice, .game, .story, .paidMedia,
    ]

    public init(
        messageID: Int64, from: TelegramUser?, chat: TelegramChat, date: Int64, text: String?, caption: String? = nil,
        photo: [TelegramPhotoSize]? = nil, document: TelegramDocument? = nil, audio: TelegramDocument? = nil,
        voice: TelegramVoice? = nil, mediaGroupID: String? = nil, unsupportedContent: [String] = []
    ) {
        self.messageID = messageID
        self.from = from
        self.chat = chat
        self.date = date
        self.text = text
        self.caption = caption
        self.photo = photo
        self.document = document
        self.audio = audio
        self.voice = voice
        self.mediaGroupID = mediaGroupID
        self.unsupportedContent = unsupportedContent
    }

    /// Reads the media fields leniently: one in an unexpected shape costs neither the message nor its
    /// text, and is noted as content the companion cannot use.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messageID = try container.decode(Int64.self, forKey: .messageID)
        from = try container.decodeIfPresent(TelegramUser.self, forKey: .from)
        chat = try container.decode(TelegramChat.self, forKey: .chat)
        date = try container.decode(Int64.self, forKey: .date)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        caption = (try? container.decodeIfPresent(String.self, forKey: .caption)) ?? nil
        mediaGroupID = (try? container.decodeIfPresent(String.self, forKey: .mediaGroupID)) ?? nil
        var unreadable: [CodingKeys] = []
        func lenient<T: Decodable>(_ type: T.Type, _ key: CodingKeys) -> T? {
            do {
                return try container.decodeIfPresent(type, forKey: key)
            } catch {
                unreadable.append(key)
                return nil
            }
        }
        photo = lenient([TelegramPhotoSize].self, .photo)
        document = lenient(TelegramDocument.self, .document)
        audio = lenient(TelegramDocument.self, .audio)
        voice = lenient(TelegramVoice.self, .voice)
        unsupportedContent = (unreadable + Self.unsupportedKeys.filter { container.contains($0) }).map(\.stringValue)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messageID, forKey: .messageID)
        try container.encodeIfPresent(from, forKey: .from)
        try container.encode(chat, forKey: .chat)
        try container.encode(date, forKey: .date)
        try container.encodeIfPresent(text, forKey: .text)
        try container.encodeIfPresent(caption, forKey: .caption)
        try container.encodeIfPresent(photo, forKey: .photo)
        try container.encodeIfPresent(document, forKey: .document)
        try container.encodeIfPresent(audio, forKey: .audio)
        try container.encodeIfPresent(voice, forKey: .voice)
        try container.encodeIfPresent(mediaGroupID, forKey: .mediaGroupID)
        // Unsupported content is kept as an empty object under its name, so it reads back the same.
        for name in unsupportedContent {
            guard let key = CodingKeys(stringValue: name), Self.unsupportedKeys.contains(key) else { continue }
            try container.encode([String: String](), forKey: key)
        }
    }

    /// Something the companion cannot use was sent.
    public var hasUnsupportedContent: Bool { !unsupportedContent.isEmpty }
}

/// One size of a photo (a Bot API `PhotoSize`).
public struct TelegramPhotoSize: Sendable, Codable, Equatable {
    public var fileID: String
    public var fileUniqueID: String?
    public var width: Int?
    public var height: Int?
    public var fileSize: Int?

    enum CodingKeys: String, CodingKey {
        case fileID = "file_id"
        case fileUniqueID = "file_unique_id"
        case width, height
        case fileSize = "file_size"
    }

    public init(fileID: String, fileUniqueID: String? = nil, width: Int? = nil, height: Int? = nil, fileSize: Int? = nil) {
        self.fileID = fileID
        self.fileUniqueID = fileUniqueID
        self.width = width
        self.height = height
        self.fileSize = fileSize
    }

    /// Width times height; 0 when either is unknown.
    var area: Int { (width ?? 0) * (height ?? 0) }
}

/// A file sent as a document (a Bot API `Document`; an `Audio` reads the same way).
public struct TelegramDocument: Sendable, Codable, Equatable {
    public var fileID: String
    public var fileName: String?
    public var mimeType: String?
    public var fileSize: Int?

    enum CodingKeys: String, CodingKey {
        case fileID = "file_id"
        case fileName = "file_name"
        case mimeType = "mime_type"
        case fileSize = "file_size"
    }

    public init(fileID: String, fileName: String? = nil, mimeType: String? = nil, fileSize: Int? = nil) {
        self.fileID = fileID
        self.fileName = fileName
        self.mimeType = mimeType
        self.fileSize = fileSize
    }
}

/// A voice note (a Bot API `Voice`): Ogg/Opus as Telegram's apps record it.
public struct TelegramVoice: Sendable, Codable, Equatable {
    public var fileID: String
    /// Its length in seconds.
    public var duration: Int?
    public var mimeType: String?
    public var fileSize: Int?

    enum CodingKeys: String, CodingKey {
        case fileID = "file_id"
        case duration
        case mimeType = "mime_type"
        case fileSize = "file_size"
    }

    public init(fileID: String, duration: Int? = nil, mimeType: String? = nil, fileSize: Int? = nil) {
        self.fileID = fileID
        self.duration = duration
        self.mimeType = mimeType
        self.fileSize = fileSize
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
