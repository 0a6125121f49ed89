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
            text: text ?? caption, sentAt: Date(timeIntervalSince1970: TimeInterval(date)), isEdit: isEdit,
            attachments: attachments, mediaGroupID: mediaGroupID, hasUnsupportedContent: hasUnsupportedContent)
    }

    /// The files sent with it, as the core names them: the largest size of a photo, a document (or a
    /// music file), a voice note.
    var attachments: [IncomingAttachment] {
        var attachments: [IncomingAttachment] = []
        if let largest = largestPhotoSize {
            attachments.append(IncomingAttachment(kind: .photo, fileID: largest.fileID, size: largest.fileSize))
        }
        // Beside an animation (a GIF), `document` only repeats it for old clients.
        if let document, !unsupportedContent.contains(CodingKeys.animation.stringValue) {
            attachments.append(
                IncomingAttachment(
                    kind: .document, fileID: document.fileID, fileName: document.fileName, mimeType: document.mimeType,
                    size: document.fileSize))
        }
        if let audio {
            attachments.append(
                IncomingAttachment(
                    kind: .document, fileID: audio.fileID, fileName: audio.fileName, mimeType: audio.mimeType, size: audio.fileSize))
        }
        if let voice {
            attachments.append(
                IncomingAttachment(
                    kind: .voice, fileID: voice.fileID, mimeType: voice.mimeType, size: voice.fileSize, duration: voice.duration))
        }
        return attachments
    }

    /// The largest size of the photo: by file size when Telegram gave every size one, else by pixels.
    /// Among equals the later one wins, as Telegram lists the sizes from small to large.
    var largestPhotoSize: TelegramPhotoSize? {
        guard let photo, !photo.isEmpty else { return nil }
        if photo.allSatisfy({ $0.fileSize != nil }) {
            return photo.reduce(photo[0]) { ($1.fileSize ?? 0) >= ($0.fileSize ?? 0) ? $1 : $0 }
        }
        return photo.reduce(photo[0]) { $1.area >= $0.area ? $1 : $0 }
    }
}
