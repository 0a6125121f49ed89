import CompanionCore
import Foundation
import Logging
import TelegramAdapter

/// The Bot API calls before polling: getMe (a bad token stops here), deleteWebhook (polling and a
/// webhook exclude each other) and setMyCommands (the command menu). Network trouble is retried.
struct BotStartup {
    let client: BotAPIClient
    let logger: Logger
    let backoffInitial: Duration

    /// Returns the bot's @username.
    func run() async throws -> String? {
        var backoff = Backoff(initial: backoffInitial)
        while true {
            try Task.checkCancellation()
            do {
                let me = try await client.call("getMe")
                let username = (me as? [String: Any])?["username"] as? String
                // Independent of each other: both at once, so polling starts a round trip sooner.
                let commands = BotCommand.menu.map { ["command": $0.command, "description": $0.description] }
                async let webhook = client.call("deleteWebhook", ["drop_pending_updates": false])
                async let menu = client.call("setMyCommands", ["commands": commands])
                _ = try await (webhook, menu)
                logger.info("connected to Telegram", metadata: ["bot": "\(username ?? "?")"])
                return username
            } catch {
                // The two calls made side by side come back as untyped errors; cancellation is not ours to retry.
                guard let error = error as? TelegramAPIError else { throw error }
                if error.isBadToken { throw BadTokenError(detail: error.description) }
                let pause = error.retryAfter.map { Duration.seconds($0) } ?? backoff.next()
                logger.warning("Telegram start-up failed, retrying", metadata: ["error": "\(error)", "pause": "\(pause)"])
                try await Task.sleep(for: pause)
            }
        }
    }
}
