import Foundation

/// Which messages run at once and which wait in their chat's lane, so that a download or a
/// transcription (up to minutes) never holds up `/cancel`, `/status` or an approval tap, from this chat
/// or any other, while a chat's prompts still reach Codex in the order they were sent.
extension CommandRouter {
    /// Handles `message` as far as can be done at once. A photo, file or voice note (its download and
    /// transcription), and a prompt sent while one is still being taken in, continue in the chat's lane:
    /// the task returned ends when they have been handled (for an album's photo: when the album has).
    /// Nil when the message was handled entirely. The dispatcher waits for it before it marks the update
    /// handled, without holding up the next update.
    public func accept(_ message: IncomingMessage) async -> Task<Void, Never>? {
        guard waitsInLane(message) else {
            await handle(message)
            return isAlbumPart(message) ? lanes.newest(message.chatID) : nil
        }
        return lanes.enqueue(message.chatID) { [weak self] in
            await self?.handle(message)
        }
    }

    private func isAlbumPart(_ message: IncomingMessage) -> Bool {
        isAuthorised(message) && !message.isEdit && message.mediaGroupID != nil && !message.attachments.isEmpty
    }

    /// Whether `message` must keep its place behind the chat's slow intake, or is slow intake itself.
    private func waitsInLane(_ message: IncomingMessage) -> Bool {
        guard isAuthorised(message), !message.isEdit else { return false }
        if !message.attachments.isEmpty {
            // An album's parts join it at once; the album itself takes its place in the lane (see
            // routeAttachments). A voice note is never part of an album.
            return message.mediaGroupID == nil || message.attachments.contains { $0.kind == .voice }
        }
        guard lanes.isBusy(message.chatID), let text = message.text else { return false }
        switch BotCommand.parse(text, botUsername: botUsername) {
        case .prompt, .new, .continue, .queue, .project(.some):
            // Prompts, and a change of project that would move them, keep the order they were sent in.
            return true
        case .help, .project(.none), .last, .status, .cancel, .badCancelScope, .diff, .file, .notify, .badNotify, .unknown:
            return false
        }
    }
}
