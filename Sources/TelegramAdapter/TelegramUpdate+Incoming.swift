import CompanionCore
import Foundation

extension TelegramUpdate {
    /// The update as the router reads it: a new or edited message; nil for other kinds of update.
    public var incomingMessage: IncomingMessage? {
        if let message {
            return message.incoming(isEdit: false)
        }
        return editedMessage?.incoming(isEdit: true)
    }
}

extension TelegramMessage {
    func incoming(isEdit: Bool) -> IncomingMessage {
        IncomingMessage(
            chatID: chat.id, userID: from?.id, isPrivate: chat.type == "private", senderIsBot: from?.isBot == true,
            text: text, sentAt: Date(timeIntervalSince1970: TimeInterval(date)), isEdit: isEdit)
    }
}
