/// The part of the `Message` that sendMessage, editMessageText and sendDocument return that the
/// companion reads: its id, which later edits address.
public struct SentMessage: Decodable, Sendable, Equatable {
    public var messageID: Int64

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
    }

    public init(messageID: Int64) {
        self.messageID = messageID
    }
}
