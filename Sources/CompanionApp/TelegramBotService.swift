import CompanionCore
import Foundation
import Logging
import ServiceLifecycle
import TelegramAdapter

/// Start-up, then long polling: the Telegram side of the daemon as one service.
struct TelegramBotService: Service {
    let startup: BotStartup
    let poller: UpdatePoller
    let controller: BotController

    func run() async throws {
        let username = try await cancelWhenGracefulShutdown { try await startup.run() }
        await controller.setBotUsername(username)
        try await poller.run()
    }
}
