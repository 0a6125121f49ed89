import CompanionCore
import Foundation
import Logging
import TelegramAdapter

/// The Bot API calls before polling: getMe (a bad token stops here), then deleteWebhook (polling and a
/// webhook exclude each other) and setMyCommands (the command menu) side by side. Each call is retried
/// on its own as `TelegramRetryPolicy` decides.
struct BotStartup {
    let client: BotAPIClient
    let logger: Logger
    let backoffInitial: Duration

    /// Returns the bot's @username. Throws `BadTokenError` for a rejected token, and the
    /// `TelegramAPIError` when Telegram rejects getMe otherwise: the bot cannot start without it.
    func run() async throws -> String? {
        let client = self.client
        let me = try await retrying(.getMe) { () async throws(TelegramAPIError) in try await client.getMe() }
        // Independent of each other: both at once, so polling starts a round trip sooner.
        async let webhook: Void = bestEffort(.deleteWebhook) { () async throws(TelegramAPIError) in
            try await client.deleteWebhook(DeleteWebhookRequest(dropPendingUpdates: false))
        }
        async let menu: Void = bestEffort(.setMyCommands) { () async throws(TelegramAPIError) in
            try await client.setMyCommands(Self.menu)
        }
        _ = try await (webhook, menu)
        logger.info("connected to Telegram", metadata: ["bot": "\(me.username ?? "?")"])
        return me.username
    }

    static var menu: SetMyCommandsRequest {
        SetMyCommandsRequest(commands: BotCommand.menu.map { .init(command: $0.command, description: $0.description) })
    }

    /// Runs a call that start-up can do without when Telegram rejects it: a webhook left in place shows
    /// up as 409 conflicts, which the poller resolves by deleting it, and a missing menu only hides the
    /// command hints. A bad token and cancellation still end start-up.
    private func bestEffort(_ method: BotAPIMethod, _ call: () async throws(TelegramAPIError) -> Void) async throws {
        do {
            try await retrying(method, call)
        } catch let error as TelegramAPIError {
            logger.error("Telegram rejected \(method) at start-up; continuing without it", metadata: ["error": "\(error)"])
        }
    }

    /// Calls until it succeeds or the policy says a retry cannot help. Cancellation ends the wait.
    private func retrying<Result>(_ method: BotAPIMethod, _ call: () async throws(TelegramAPIError) -> Result) async throws -> Result {
        var backoff = Backoff(initial: backoffInitial)
        while true {
            try Task.checkCancellation()
            do {
                return try await call()
            } catch {
                switch TelegramRetryPolicy.decision(after: error, backoff: &backoff) {
                case .badToken:
                    throw BadTokenError(detail: error.description)
                case .giveUp:
                    throw error
                case .rateLimited(let pause), .backOff(let pause):
                    logger.warning(
                        "Telegram start-up failed, retrying",
                        metadata: ["method": "\(method)", "error": "\(error)", "pause": "\(pause)"])
                    try await Task.sleep(for: pause)
                }
            }
        }
    }
}
