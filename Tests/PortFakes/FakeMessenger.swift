import CompanionCore
import Foundation
import Synchronization

/// A chat that records what the bot sends, with the manual clock's time, and can answer an edit with 429.
public final class FakeMessenger: ChatMessaging {
    public struct Sent: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case send, post, edit, document }
        public var kind: Kind
        public var chatID: Int64
        public var messageID: Int64?
        public var text: String
        public var at: Date
        /// The buttons a post put under its message.
        public var buttons: [[ChatButton]] = []
        /// The message a post quoted.
        public var replyTo: Int64?
    }

    private struct State {
        var sent: [Sent] = []
        var nextID: Int64 = 100
        var rateLimitNextEdits: [Duration] = []
        var beforeNextEditAnswer: (@Sendable () -> Void)?
        var typing = 0
        var editAttempts = 0
        var failPosts = false
        var taps: [(id: String, text: String?)] = []
        /// The buttons each message shows now: set by its post, removed by an edit.
        var buttons: [Int64: [[ChatButton]]] = [:]
    }

    private let clock: any TaskClock
    private let state = Mutex(State())

    public init(clock: any TaskClock) {
        self.clock = clock
    }

    public var sent: [Sent] { state.withLock { $0.sent } }
    public var edits: [Sent] { sent.filter { $0.kind == .edit } }
    public var typingCount: Int { state.withLock { $0.typing } }
    /// Every edit asked for, the 429-answered ones too.
    public var editAttempts: Int { state.withLock { $0.editAttempts } }
    /// Every tap answered, in order.
    public var taps: [(id: String, text: String?)] { state.withLock { $0.taps } }
    /// The buttons a message shows now: those it was posted with, none after an edit.
    public func buttons(of messageID: Int64) -> [[ChatButton]] { state.withLock { $0.buttons[messageID] ?? [] } }

    /// From now on posts fail (nil), as when Telegram cannot be reached after retries.
    public func failPosts(_ fail: Bool = true) {
        state.withLock { $0.failPosts = fail }
    }

    /// The next edit is answered with a 429 asking to wait `retryAfter`.
    public func rateLimitNextEdit(retryAfter: Duration) {
        state.withLock { $0.rateLimitNextEdits.append(retryAfter) }
    }

    /// The next edit arrives (and is recorded) at once, but `action` runs before it is answered: a slow
    /// answer, when `action` moves the test's clock.
    public func beforeNextEditAnswer(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.beforeNextEditAnswer = action }
    }

    public func send(chatID: Int64, text: String, style: MessageStyle) async -> Bool {
        record(.send, chatID: chatID, messageID: nil, text: text)
        return true
    }

    public func post(
        chatID: Int64, message: RenderedMessage, silent: Bool, buttons: [[ChatButton]], replyTo: Int64?
    ) async -> Int64? {
        let id = state.withLock { state -> Int64? in
            if state.failPosts { return nil }
            state.nextID += 1
            if !buttons.isEmpty { state.buttons[state.nextID] = buttons }
            return state.nextID
        }
        guard let id else { return nil }
        record(Sent(kind: .post, chatID: chatID, messageID: id, text: message.plain, at: clock.now(), buttons: buttons, replyTo: replyTo))
        return id
    }

    public func edit(chatID: Int64, messageID: Int64, message: RenderedMessage) async -> EditOutcome {
        let limited = state.withLock { state -> Duration? in
            state.editAttempts += 1
            return state.rateLimitNextEdits.isEmpty ? nil : state.rateLimitNextEdits.removeFirst()
        }
        if let limited { return .rateLimited(retryAfter: limited) }
        state.withLock { _ = $0.buttons.removeValue(forKey: messageID) }
        record(.edit, chatID: chatID, messageID: messageID, text: message.plain)
        let slowAnswer = state.withLock { state in
            defer { state.beforeNextEditAnswer = nil }
            return state.beforeNextEditAnswer
        }
        slowAnswer?()
        return .shown
    }

    public func sendTyping(chatID: Int64) async {
        state.withLock { $0.typing += 1 }
    }

    public func sendDocument(chatID: Int64, fileName: String, contents: Data, caption: String) async -> Bool {
        record(.document, chatID: chatID, messageID: nil, text: fileName)
        return true
    }

    public func answerTap(id: String, text: String?) async {
        state.withLock { $0.taps.append((id, text)) }
    }

    private func record(_ kind: Sent.Kind, chatID: Int64, messageID: Int64?, text: String) {
        record(Sent(kind: kind, chatID: chatID, messageID: messageID, text: text, at: clock.now()))
    }

    private func record(_ sent: Sent) {
        state.withLock { $0.sent.append(sent) }
    }
}
