/// `reply_parameters`: the earlier message of the same chat a message quotes.
public struct ReplyParameters: Encodable, Sendable, Equatable {
    public var messageID: Int64
    /// True: the message is still sent when the quoted one is gone (deleted by the user).
    public var allowSendingWithoutReply: Bool

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case allowSendingWithoutReply = "allow_sending_without_reply"
    }

    public init(messageID: Int64, allowSendingWithoutReply: Bool = true) {
        self.messageID = messageID
        self.allowSendingWithoutReply = allowSendingWithoutReply
    }
}
