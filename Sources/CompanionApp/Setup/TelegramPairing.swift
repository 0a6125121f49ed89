import CompanionCore
import Foundation
import TelegramAdapter

/// Pairs the user's Telegram account with the bot, so nobody has to look up a numeric user id: `init`
/// shows a one-time code, the user sends it to the bot in a private chat, and the sender becomes the one
/// allowed user. The code proves that whoever sent it can read the terminal. Other messages (wrong
/// codes, anything in groups) never pair anyone; after `maximumWrongCodes` wrong ones the code is
/// abandoned, so it cannot be guessed by trying. Once paired, the offset is confirmed with Telegram so
/// the daemon never sees these messages (it would otherwise run the code as a prompt).
public struct TelegramPairing: Sendable {
    /// The account that sent the code.
    public struct Paired: Sendable, Equatable {
        public var userID: Int64
        public var username: String?
    }

    public static let maximumWrongCodes = 10

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
        var words = text.split(whereSeparator: \.isWhitespace)
        if let first = words.first, first == "/start" || first.hasPrefix("/start@") { words.removeFirst() }
        return !words.isEmpty && words.joined() == code
    }

    /// Waits up to `timeout` for the code and returns its sender. `note` hears what the user should
    /// know while waiting (another program reading the bot's updates, Telegram unreachable).
    public func run(timeout: Duration, note: @Sendable (String) -> Void) async throws -> Paired {
        do {
            try await client.deleteWebhook()
        } catch {
            throw Self.fatal(error)
        }
        let deadline = ContinuousClock.now + timeout
        var offset: Int64?
        var wrongCodes = 0
        var noted: Set<String> = []
        func noteOnce(_ text: String) {
            if noted.insert(text).inserted { note(text) }
        }
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw UserFacingError(
                    "No pairing code arrived within \(timeout.components.seconds) s. Run `codex-companion init` again "
                        + "(or pass --user-id if you know your Telegram user id).")
            }
            let poll = Int(min(25, max(1, remaining.components.seconds)))
            let updates: [ReceivedUpdate]
            do {
                updates = try await client.getUpdates(
                    GetUpdatesRequest(offset: offset, limit: 100, timeout: poll, allowedUpdates: [.message]), timeout: .seconds(poll + 15))
            } catch {
                if error.isBadToken { throw Self.fatal(error) }
                if case .api(409, _, _) = error {
                    noteOnce(
                        "Another program is reading this bot's messages (a running `codex-companion serve`?): stop it, "
                            + "or the code cannot arrive here.")
                } else if error.isTransient || error.retryAfter != nil {
                    noteOnce("Telegram cannot be reached right now (\(error)); still trying.")
                } else {
                    throw Self.fatal(error)
                }
                let pause = Duration.seconds(max(2, error.retryAfter ?? 2))
                try await Task.sleep(for: min(pause, max(.zero, deadline - ContinuousClock.now)))
                continue
            }
            for update in updates {
                offset = update.updateID + 1
                guard let message = try? JSONDecoder().decode(TelegramUpdate.self, from: update.payload).message,
                    message.chat.type == "private", let sender = message.from, sender.isBot != true,
                    let text = message.text
                else { continue }
                if Self.matches(text, code: code) {
                    await reply(
                        to: message.chat.id,
                        "Paired ✓ This Telegram account is now the only one allowed to use this bot. "
                            + "Once `codex-companion serve` runs on your computer, send /help.")
                    await confirm(offset: update.updateID + 1, note: note)
                    return Paired(userID: sender.id, username: sender.username)
                }
                wrongCodes += 1
                await reply(to: message.chat.id, "That is not the pairing code. Send the 6 digits that `codex-companion init` shows.")
                if wrongCodes >= Self.maximumWrongCodes {
                    await confirm(offset: update.updateID + 1, note: note)
                    throw UserFacingError(
                        "\(wrongCodes) wrong codes were sent to the bot, so this code is no longer accepted. "
                            + "Run `codex-companion init` again.")
                }
            }
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
