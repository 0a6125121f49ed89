import CompanionCore
import ServiceLifecycle
import TelegramAdapter

/// Runs the task service's jobs as a service of the daemon's group. On graceful shutdown it asks the
/// service to stop its runs and returns once they have ended and their results are published.
struct TaskServiceLifecycle: Service {
    let service: TaskService

    func run() async throws {
        await withGracefulShutdownHandler {
            await service.run()
        } onGracefulShutdown: {
            service.requestShutdown()
        }
    }
}

/// Runs the Telegram presenter as a service: it presents task events until the task service has shut
/// down, then finishes the deliveries under way. It ignores the shutdown signal on purpose: results of
/// tasks interrupted by the shutdown still reach their chat.
struct PresenterLifecycle: Service {
    let presenter: TelegramPresenter
    let events: AsyncStream<TaskEvent>

    func run() async throws {
        await presenter.run(events)
        // The events end when the task service has stopped, which can be noticed here before the group has
        // seen the service end: returning now would be out of turn (and fail the group), so wait for ours.
        try? await gracefulShutdown()
    }
}

/// Without the Telegram bot (which recovers at its start), the daemon still recovers the tasks a dead
/// daemon left, then waits for the shutdown.
struct StartupRecovery: Service {
    let tasks: TaskService
    let projects: [Project]

    func run() async throws {
        _ = await tasks.recover(projects: projects)
        try? await gracefulShutdown()
    }
}
