import CompanionCore
import Foundation
import Logging
import ServiceLifecycle
import Store
import TelegramAdapter

/// The Telegram side of the daemon as one service: start-up, recovery, then the poller and the
/// dispatcher side by side. On graceful shutdown the poller stops and confirms its offset, the
/// dispatcher handles what was already recorded, and then the service returns.
struct TelegramBotService: Service {
    let startup: BotStartup
    let poller: UpdatePoller
    let dispatcher: UpdateDispatcher
    let router: CommandRouter
    let tasks: TaskService
    let presenter: TelegramPresenter
    let projects: [Project]

    func run() async throws {
        defer { poller.finishUpdates() }
        let username = try await cancelWhenGracefulShutdown { try await startup.run() }
        await router.setBotUsername(username)
        // Tasks left by a daemon that died are recovered before any new message is handled; results that
        // never reached their chat go out first.
        let undelivered = await tasks.recover(projects: projects)
        // Progress messages a crash left showing "⏳" are made final first; the results they point at follow.
        await presenter.finishProgressMessages(await tasks.unfinishedProgressMessages())
        await presenter.redeliver(undelivered, projects: projects)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await poller.run() }
            group.addTask { try await dispatcher.run() }
            try await group.waitForAll()
        }
    }
}
