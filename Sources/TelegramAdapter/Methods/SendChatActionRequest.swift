/// sendChatAction: shows a status such as "typing…" in the chat for about 5 seconds.
public struct SendChatActionRequest: Encodable, Sendable, Equatable {
    public enum Action: String, Encodable, Sendable {
        case typing
    }

    public var chatID: Int64
    public var action: Action

    enum CodingKeys: String, CodingKey {
        case chatID = "chat_id"
        case action
    }

    public init(chatID: Int64, action: Action) {
        self.chatID = chatID
        self.action = action
    }
}
