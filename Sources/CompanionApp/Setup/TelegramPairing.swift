import CompanionCore
import Foundation
import TelegramAdapter

/// Pairs the user's Telegram account with the bot, so nobody has to look up a numeric user id: `init`
/// shows a one-time code, the user sends it to the bot in a private chat, and the sender becomes the one
/// allowed user. The code proves that whoever sent it can read the terminal.
///
/// Nothing else pairs anyone, and a stranger can neither guess the code nor stop the owner: messages
/// that were waiting before the code was shown are skipped, a message that is not six digits (`/start`,
/// "hi") gets no answer at all (so nobody learns a pairing is under way), and a sender's wrong codes are
/// counted per sender: after `maximumWrongCodes` that sender is ignored while the others can still pair.
/// Only `maximumWrongCodesInAll` wrong codes from everyone together (ten accounts' worth) abandon the
/// code. Once paired, the offset is confirmed with Telegram so the daemon never sees these messages (it
/// would otherwise run the code as a prompt).
public struct TelegramPairing: Sendable {
    /// The account that sent the code.
    public struct Paired: Sendable, Equatable {
        public var userID: Int64
        public var username: String?
    }

    /// Wrong codes one sender may send before being ignored.
    public static let maximumWrongCodes = 10
    /// Wrong codes from all senders together before the code is abandoned: a one-in-ten-thousand chance
    /// for a guesser with that many accounts.
    public static let maximumWrongCodesInAll = 100

    private let client: BotAPIClient
    public let code: String

    public init(client: BotAPIClient, code: String = TelegramPairing.makeCode()) {
        self.client = client
        self.code = code
    }

    /// Six random digits from the system's secure generator.
    public static func makeCode() -> String {
        let number = String(Int.random(in: 0..<1_000_000))
        return String(repeating: "0", count: 6 - number.count) + number
    }

    /// True when `text` is `code`: trimmed, spaces inside ignored, and `/start CODE` (a deep link or a
    /// user who starts the chat with it) accepted too.
    public static func matches(_ text: String, code: String) -> Bool {
        guard let attempt = attempt(in: text) else { return false }
        return attempt == code
    }

    /// The six digits `text` offers as a code, read as `matches` reads them; nil for anything else
    /// (a bare `/start`, words, a number of another length).
    public static func attempt(in text: String) -> String? {
        var words = text.split(whereSeparator: \.isWhitespace)
        if let first = words.first, first == "/start" || first.hasPrefix("/start@") { words.removeFirst() }
        let joined = words.joined()
        guard joined.utf8.count == 6, joined.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return joined
    }

    /// Waits up to `timeout` for the code and returns its sender. `ready` runs once the messages sent
    /// before it are skipped: that is when the code may be shown. `note` hears what the user should know
    /// while waiting (another program reading the bot's updates, Telegram unreachable, a sender ignored).
    public func run(
        timeout: Duration, note: @escaping @Sendable (String) -> Void, ready: () -> Void = {}
    ) async throws -> Paired {
        do {
            try await client.deleteWebhook()
        } catch {
            throw Self.fatal(error)
        }
        let deadline = ContinuousClock.now + timeout
        var poller = Poller(client: client, deadline: deadline, note: note)
        // What waits now was sent before the code existed: it can only be a wrong code or a stray /start.
        while true {
            guard let backlog = try await poller.next(wait: false, timeout: timeout) else { continue }
            if backlog.count < Poller.batch { break }
        }
        ready()
        var wrongCodes: [Int64: Int] = [:]
        var wrongCodesInAll = 0
        while true {
            for update in try await poller.next(wait: true, timeout: timeout) ?? [] {
                guard let message = try? JSONDecoder().decode(TelegramUpdate.self, from: update.payload).message,
                    message.chat.type == "private", let sender = message.from, sender.isBot != true,
                    let attempt = message.text.flatMap(Self.attempt(in:)), wrongCodes[sender.id, default: 0] < Self.maximumWrongCodes
                else { continue }
                if attempt == code {
                    await reply(
                        to: message.chat.id,
                        "Paired ✓ This Telegram account is now the only one allowed to use this bot. "
                            + "Once `codex-companion serve` runs on your computer, send /help.")
                    await confirm(offset: update.updateID + 1, note: note)
                    return Paired(userID: sender.id, username: sender.username)
                }
                wrongCodes[sender.id, default: 0] += 1
                wrongCodesInAll += 1
                if wrongCodesInAll >= Self.maximumWrongCodesInAll {
                    await confirm(offset: update.updateID + 1, note: note)
                    throw UserFacingError(
                        "\(wrongCodesInAll) wrong codes were sent to the bot, so this code is no longer accepted. "
                            + "Run `codex-companion init` again.")
                }
                if wrongCodes[sender.id] == Self.maximumWrongCodes {
                    note("Telegram user \(sender.id) sent \(Self.maximumWrongCodes) wrong codes: their messages are ignored now.")
                    await reply(to: message.chat.id, "Too many wrong codes: this account's messages are ignored until the pairing ends.")
                } else {
                    await reply(to: message.chat.id, "That is not the pairing code. Send the 6 digits that `codex-companion init` shows.")
                }
            }
        }
    }

    /// getUpdates with its offset, its deadline and its failures: the errors a user can fix are noted
    /// once and retried after a pause; the others end pairing.
    private struct Poller {
        static let batch = 100
        let client: BotAPIClient
        let deadline: ContinuousClock.Instant
        let note: @Sendable (String) -> Void
        var offset: Int64?
        var noted: Set<String> = []

        init(client: BotAPIClient, deadline: ContinuousClock.Instant, note: @escaping @Sendable (String) -> Void) {
            self.client = client
            self.deadline = deadline
            self.note = note
        }

        /// The next updates, or nil after a failure worth retrying; with `wait`, a long poll.
        mutating func next(wait: Bool, timeout: Duration) async throws -> [ReceivedUpdate]? {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw UserFacingError(
                    "No pairing code arrived within \(timeout.components.seconds) s. Run `codex-companion init` again "
                        + "(or pass --user-id if you know your Telegram user id).")
            }
            let poll = wait ? Int(min(25, max(1, remaining.components.seconds))) : 0
            do {
                let updates = try await client.getUpdates(
                    GetUpdatesRequest(offset: offset, limit: Self.batch, timeout: poll, allowedUpdates: [.message]),
                    timeout: .seconds(poll + 15))
                if let last = updates.last { offset = last.updateID + 1 }
                return updates
            } catch {
                if error.isBadToken { throw TelegramPairing.fatal(error) }
                if case .api(409, _, _) = error {
                    noteOnce(
                        "Another program is reading this bot's messages (a running `codex-companion serve`?): stop it, "
                            + "or the code cannot arrive here.")
                } else if error.isTransient || error.retryAfter != nil {
                    noteOnce("Telegram cannot be reached right now (\(error)); still trying.")
                } else {
                    throw TelegramPairing.fatal(error)
                }
                let pause = Duration.seconds(max(2, error.retryAfter ?? 2))
                try await Task.sleep(for: min(pause, max(.zero, deadline - ContinuousClock.now)))
                return nil
            }
        }

        private mutating func noteOnce(_ text: String) {
            if noted.insert(text).inserted { note(text) }
        }
    }

    /// A short plain-text answer in the chat; one that fails costs nothing but the answer.
    private func reply(to chatID: Int64, _ text: String) async {
        _ = try? await client.sendMessage(SendMessageRequest(chatID: chatID, text: text), timeout: .seconds(15))
    }

    /// Tells Telegram that every update before `offset` is handled (a getUpdates that waits for nothing),
    /// retried a few times: an unconfirmed code would reach the daemon as a prompt.
    private func confirm(offset: Int64, note: @Sendable (String) -> Void) async {
        for attempt in 1...3 {
            do {
                _ = try await client.getUpdates(
                    GetUpdatesRequest(offset: offset, limit: 1, timeout: 0, allowedUpdates: [.message]), timeout: .seconds(15))
                return
            } catch {
                if attempt == 3 {
                    note("Telegram did not confirm the pairing messages (\(error)); the bot may see the code once more.")
                } else {
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// An error that ends pairing, in words a new user can act on. The client removed the token already.
    static func fatal(_ error: TelegramAPIError) -> UserFacingError {
        if error.isBadToken {
            return UserFacingError("Telegram rejected the bot token (\(error)): copy it again from @BotFather.")
        }
        return UserFacingError("Pairing failed: \(error)")
    }
}
