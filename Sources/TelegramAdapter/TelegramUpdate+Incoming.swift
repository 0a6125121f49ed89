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

    /// A button tap as the router reads it; nil for other updates, and for a tap without data.
    public var incomingTap: IncomingTap? {
        guard let callbackQuery, let data = callbackQuery.data else { return nil }
        let message = callbackQuery.message
        return IncomingTap(
            id: callbackQuery.id, userID: callbackQuery.from.id, chatID: message?.chat.id, messageID: message?.messageID,
            isPrivate: message?.chat.type == "private", data: data)
    }
}

extension TelegramMessage {
    func incoming(isEdit: Bool) -> IncomingMessage {
        IncomingMessage(
            chatID: chat.id, userID: from?.id, isPrivate: chat.type == "private", senderIsBot: from?.isBot == true,
            text: text, sentAt: Date(timeIntervalSince1970: TimeInterval(date)), isEdit: isEdit)
    }
}
