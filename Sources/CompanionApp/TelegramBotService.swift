import CodexAdapter
import CompanionCore
import Foundation
import Logging
import ServiceLifecycle
import Store
import TelegramAdapter

/// The Telegram side of the daemon as one service: start-up, then the poller and the dispatcher side
/// by side. On graceful shutdown the poller stops and confirms its offset, the dispatcher handles what
/// was already recorded, and then the service returns.
struct TelegramBotService: Service {
    let startup: BotStartup
    let poller: UpdatePoller
    let dispatcher: UpdateDispatcher
    let controller: BotController
    let database: AppDatabase
    let reaper: OrphanReaper

    func run() async throws {
        defer { poller.finishUpdates() }
        let username = try await cancelWhenGracefulShutdown { try await startup.run() }
        await controller.setBotUsername(username)
        // Tasks still "running" belong to a daemon that died: stop their Codex before recovering them.
        for task in (try? await database.runningTasks()) ?? [] {
            if let pid = task.codexPID { await reaper.stopIfCodex(pid: pid) }
        }
        await controller.recover()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await poller.run() }
            group.addTask { try await dispatcher.run() }
            try await group.waitForAll()
        }
    }
}
