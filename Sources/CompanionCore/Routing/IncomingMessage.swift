import Foundation

/// A message from a chat client, in the core's terms: who sent it where, and what it says. The Telegram
/// adapter builds it from a Bot API update; the router never sees Bot API types.
public struct IncomingMessage: Sendable, Equatable {
    public var chatID: Int64
    /// The sender's user id; nil when the client did not say (a channel post).
    public var userID: Int64?
    /// A one-to-one chat with the bot (not a group or a channel).
    public var isPrivate: Bool
    /// Sent by another bot.
    public var senderIsBot: Bool
    /// The text, or a photo's or file's caption; nil when there is neither (a bare photo, a sticker).
    public var text: String?
    public var sentAt: Date
    /// An edit of an earlier message.
    public var isEdit: Bool
    /// Photos, documents or a voice note sent with it.
    public var attachments: [IncomingAttachment]
    /// Photos sent together (an album) share this id, and arrive as one message each.
    public var mediaGroupID: String?
    /// Something was sent that the companion cannot use (a sticker, a video, a location): it gets a
    /// clear reply rather than silence.
    public var hasUnsupportedContent: Bool

    public init(
        chatID: Int64, userID: Int64?, isPrivate: Bool, senderIsBot: Bool = false, text: String?, sentAt: Date,
        isEdit: Bool = false, attachments: [IncomingAttachment] = [], mediaGroupID: String? = nil,
        hasUnsupportedContent: Bool = false
    ) {
        self.attachments = attachments
        self.mediaGroupID = mediaGroupID
        self.hasUnsupportedContent = hasUnsupportedContent
        self.chatID = chatID
        self.userID = userID
        self.isPrivate = isPrivate
        self.senderIsBot = senderIsBot
        self.text = text
        self.sentAt = sentAt
        self.isEdit = isEdit
    }

    public var requester: Requester { .telegram(chatID: chatID) }
}
