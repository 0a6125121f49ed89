import Foundation

/// Telegram splits a long text into several messages. A prompt at least `minimumLength` long waits
/// `wait` for its next part; each part that arrives in time is joined to it (with a newline) and the
/// wait starts again. `complete` returns the joined prompt once the chat has been quiet for `wait`.
public actor SplitPromptJoiner {
    public struct Pending: Sendable, Equatable {
        public var text: String
        /// The first part's message: its time decides staleness, its sender the audit entry.
        public var first: IncomingMessage
    }

    private struct Entry {
        var pending: Pending
        var deadline: Date
    }

    private let minimumLength: Int
    private let wait: Duration
    private let clock: any TaskClock
    private var entries: [Int64: Entry] = [:]

    public init(minimumLength: Int = 3000, wait: Duration = .milliseconds(1200), clock: any TaskClock = SystemClock()) {
        self.minimumLength = minimumLength
        self.wait = wait
        self.clock = clock
    }

    /// What to do with a plain-text part.
    public enum Offer: Sendable, Equatable {
        /// Not part of a split message: run it as it is.
        case runNow
        /// The first part of a long message: call `complete` to get the joined prompt.
        case started
        /// Joined to the chat's waiting prompt.
        case joined
    }

    public func offer(_ text: String, from message: IncomingMessage) -> Offer {
        let deadline = clock.now().addingTimeInterval(wait.seconds)
        if var entry = entries[message.chatID] {
            entry.pending.text += "\n" + text
            entry.deadline = deadline
            entries[message.chatID] = entry
            return .joined
        }
        guard text.unicodeScalars.count >= minimumLength else { return .runNow }
        entries[message.chatID] = Entry(pending: Pending(text: text, first: message), deadline: deadline)
        return .started
    }

    /// Waits until no part has arrived for `wait`, then returns the joined prompt (once; nil after that,
    /// or if `takeNow` took it first).
    public func complete(chatID: Int64) async -> Pending? {
        while let entry = entries[chatID] {
            if clock.now() >= entry.deadline {
                entries[chatID] = nil
                return entry.pending
            }
            do {
                try await clock.sleep(until: entry.deadline)
            } catch {
                return nil
            }
        }
        return nil
    }

    /// Takes the chat's waiting prompt at once: another command arrived, so the prompt is complete.
    public func takeNow(chatID: Int64) -> Pending? {
        entries.removeValue(forKey: chatID)?.pending
    }
}
