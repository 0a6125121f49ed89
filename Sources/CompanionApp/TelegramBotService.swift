import CompanionCore
import Foundation
import Logging
import ServiceLifecycle
import TelegramAdapter

/// The Telegram side of the daemon as one service: start-up, then the poller and the dispatcher side
/// by side. On graceful shutdown the poller stops and confirms its offset, the dispatcher handles what
/// was already recorded, and then the service returns.
struct TelegramBotService: Service {
    let startup: BotStartup
    let poller: UpdatePoller
    let dispatcher: UpdateDispatcher
    let controller: BotController

    func run() async throws {
        defer { poller.finishUpdates() }
        let username = try await cancelWhenGracefulShutdown { try await startup.run() }
        await controller.setBotUsername(username)
        await controller.recover()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await poller.run() }
            group.addTask { try await dispatcher.run() }
            try await group.waitForAll()
        }
    }
}
