import Foundation

/// Sends replies to a chat. Implementations retry, wait out rate limits and fall back to plain text
/// themselves: callers only learn whether the message finally arrived.
public protocol ChatMessaging: Sendable {
    /// Sends `text` (plain text with ``` fences), split into several messages when long.
    /// Returns false when it could not be delivered (after retries).
    @discardableResult
    func send(chatID: Int64, text: String, style: MessageStyle) async -> Bool
    /// Sends one prepared message (HTML, with its plain text as fallback) and returns its message id,
    /// or nil when it could not be delivered. `silent` messages do not make the phone ring.
    func post(chatID: Int64, message: RenderedMessage, silent: Bool) async -> Int64?
    /// Replaces the text of a message the bot sent, at once (the caller spaces its edits out). While the
    /// chat is rate limited nothing is sent and the answer says for how long.
    @discardableResult
    func edit(chatID: Int64, messageID: Int64, message: RenderedMessage) async -> EditOutcome
    /// Shows "typing…" in the chat for a few seconds.
    func sendTyping(chatID: Int64) async
    /// Sends a file, for output too long to read as messages.
    @discardableResult
    func sendDocument(chatID: Int64, fileName: String, contents: Data, caption: String) async -> Bool
}

public enum MessageStyle: Sendable, Equatable {
    /// A short reply.
    case reply
    /// A task result: the first line is the headline.
    case result
}

/// What became of an edit.
public enum EditOutcome: Sendable, Equatable {
    /// The message shows the new text (or already did).
    case shown
    /// Telegram asked to wait this long before the next request to the chat; nothing was changed.
    case rateLimited(retryAfter: Duration)
    /// It failed for another reason (logged); the message keeps its old text.
    case failed
}
