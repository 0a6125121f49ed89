import Foundation

/// Sends replies to a chat. Implementations retry, wait out rate limits and fall back to plain text
/// themselves: callers only learn whether the message finally arrived.
public protocol ChatMessaging: Sendable {
    /// Sends `text` (plain text with ``` fences), split into several messages when long.
    /// Returns false when it could not be delivered (after retries).
    @discardableResult
    func send(chatID: Int64, text: String, style: MessageStyle) async -> Bool
    /// Sends one prepared message (HTML, with its plain text as fallback) and returns its message id,
    /// or nil when it could not be delivered. `silent` messages do not make the phone ring. `buttons`
    /// (rows of buttons) go under the message; `replyTo` quotes an earlier message of the chat, which the
    /// user can tap to jump to it.
    func post(chatID: Int64, message: RenderedMessage, silent: Bool, buttons: [[ChatButton]], replyTo: Int64?) async -> Int64?
    /// Replaces the text of a message the bot sent, at once (the caller spaces its edits out), and removes
    /// its buttons. While the chat is rate limited nothing is sent and the answer says for how long.
    @discardableResult
    func edit(chatID: Int64, messageID: Int64, message: RenderedMessage) async -> EditOutcome
    /// Shows "typing…" in the chat for a few seconds.
    func sendTyping(chatID: Int64) async
    /// Sends a file, for output too long to read as messages.
    @discardableResult
    func sendDocument(chatID: Int64, fileName: String, contents: Data, caption: String) async -> Bool
    /// Answers a button tap (`callback_query`): stops the button's spinner and, with `text`, shows it
    /// briefly. Failures are logged only: a late answer is harmless.
    func answerTap(id: String, text: String?) async
}

extension ChatMessaging {
    /// A message without buttons that quotes nothing.
    public func post(chatID: Int64, message: RenderedMessage, silent: Bool) async -> Int64? {
        await post(chatID: chatID, message: message, silent: silent, buttons: [], replyTo: nil)
    }
}

/// A button under a message: its title, and the data a tap sends back (1 to 64 bytes).
public struct ChatButton: Sendable, Equatable {
    public var title: String
    public var data: String

    public init(title: String, data: String) {
        self.title = title
        self.data = data
    }
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
