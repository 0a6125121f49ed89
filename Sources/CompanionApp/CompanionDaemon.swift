import AsyncHTTPClient
import CodexAdapter
import CompanionCore
import Dashboard
import Foundation
import Logging
import ServiceLifecycle
import Store
import TelegramAdapter
import UnixSignals

/// Wires the daemon from a loaded context: the task service and its clients (the Telegram bot when a
/// token is given, the dashboard when enabled), the work runner and the housekeeping, in one
/// ServiceGroup that handles SIGTERM and SIGINT.
public struct CompanionDaemon: Sendable {
    /// Timings the tests shorten; the defaults are the production values.
    public struct Timing: Sendable {
        public var pollTimeout = 50
        public var backoffInitial: Duration = .seconds(1)
        public var staleAfter: TimeInterval = 3600
        public var splitPromptWait: Duration = .milliseconds(1200)
        /// How long a graceful shutdown may take before what is left is cancelled.
        public var gracefulShutdownLimit: Duration = .seconds(10)

        public init() {}
    }

    public let serviceGroup: ServiceGroup
    /// Owned by the daemon and shut down when it stops, so no connection outlives it.
    private let http: HTTPClient
    /// One daemon per state directory: two would answer every message twice.
    private let lock: InstanceLock

    /// `token` nil runs without Telegram (the first run, before a bot is set up). With the dashboard on,
    /// `onDashboard` gets a fresh login link once it listens (and the port it took).
    public init(
        context: CompanionContext, token: String?, timing: Timing = Timing(), signals: [UnixSignal] = [.sigterm, .sigint],
        logger: Logger = Logger(label: "companion.daemon"),
        onDashboard: @escaping @Sendable (_ link: String, _ port: Int) -> Void = { _, _ in },
        onDeskEvent: @escaping @Sendable (DeskWatcher.Event) -> Void = { _ in }
    ) throws {
        let telegram = try token.map { _ in try Self.telegramSettings(of: context) }
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        let runner = WorkRunner()
        let tasks = context.taskService()
        // Photos and files from the phone live in the state directory, never in a repository.
        let attachmentFiles = LocalAttachmentFiles(stateDirectory: context.config.stateDirectory)
        lock = InstanceLock(path: (context.config.stateDirectory as NSString).appendingPathComponent("serve.lock"))
        var client: TelegramClient?
        if let telegram, let token {
            client = TelegramClient(
                context: context, telegram: telegram, token: token, tasks: tasks, launcher: runner, http: http,
                attachmentFiles: attachmentFiles, timing: timing, logger: logger)
        }
        // Shut down in reverse order: first stop taking messages, then stop the running tasks and publish
        // their results, then let the clients deliver them.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: runner)]
        if context.config.dashboard.enabled {
            // Without the bot the dashboard is the daemon's only client: if it cannot listen, the daemon stops.
            services.append(
                .init(
                    service: Self.dashboard(
                        context: context, tasks: tasks, telegram: client != nil, logger: logger, onDashboard: onDashboard),
                    successTerminationBehavior: .ignore,
                    failureTerminationBehavior: client == nil ? .gracefullyShutdownGroup : .ignore))
        }
        // Right before the task service, whose events it delivers to the end.
        if let client { services.append(.init(service: client.presenter)) }
        services.append(.init(service: TaskServiceLifecycle(service: tasks)))
        if client != nil {
            // Turns at the terminal reach the chats: stopped before the task service, whose events carry them.
            let projects = context.config.projects
            services.append(
                .init(
                    service: DeskWatchService(
                        watcher: DeskWatcher(daemon: context.daemon, repositories: projects.map(\.repoPath)),
                        files: DeskFileWatcher(codexHome: context.config.codex.home.path, repositories: projects.map(\.repoPath)),
                        socketPath: context.daemon.socketPath, projects: projects, chats: context.database, tasks: tasks,
                        onEvent: onDeskEvent, logger: Logger(label: "companion.desk")),
                    successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        }
        services.append(
            .init(
                service: MaintenanceService(
                    sessions: context.sessions, database: context.database, attachments: attachmentFiles, logger: logger,
                    serveLog: ServeLogRotation(stateDirectory: context.config.stateDirectory)),
                successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        if let client {
            services.append(
                .init(
                    service: client.bot, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup))
        } else {
            services.append(.init(service: StartupRecovery(tasks: tasks, projects: context.config.projects)))
        }
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        // SIGTERM ends the daemon within the promised ~10 s even if one run is stuck: after this the
        // group cancels what is left, and cancelled Codex children are killed.
        configuration.maximumGracefulShutdownDuration = timing.gracefulShutdownLimit
        serviceGroup = ServiceGroup(configuration: configuration)
    }

    /// The dashboard service of the config's `dashboard` section: on listening it records its address
    /// for `codex-companion dashboard` and hands out a login link.
    private static func dashboard(
        context: CompanionContext, tasks: TaskService, telegram: Bool, logger: Logger,
        onDashboard: @escaping @Sendable (String, Int) -> Void
    ) -> DashboardService {
        let config = context.config.dashboard
        let settings = DashboardService.Settings(
            host: config.host, port: config.port, telegramEnabled: telegram, allowNonLoopback: config.allowRemote)
        let database = context.database
        return DashboardService(
            settings: settings, tasks: tasks, events: tasks.subscribe(), projects: context.config.projects, store: database,
            audit: database, sessions: context.sessions, inspector: GitRepositoryInspector(), loginCodes: database,
            auditTrail: context.audit, logger: logger,
            onListening: { port in
                Task {
                    do {
                        try await database.recordDashboardAddress(host: config.host, port: port)
                        var bound = settings
                        bound.port = port
                        onDashboard(try await DashboardService.issueLoginLink(settings: bound, loginCodes: database), port)
                    } catch {
                        logger.error("could not issue a dashboard login link", metadata: ["error": "\(error)"])
                    }
                }
            })
    }

    /// The config's telegram section, or an error saying how to add one.
    public static func telegramSettings(of context: CompanionContext) throws -> CompanionConfig.Telegram {
        guard let telegram = context.config.telegram else {
            throw UserFacingError(
                "\(context.config.sourcePath): add a \"telegram\" section, e.g. \"telegram\": {\"allowed_user_ids\": [123456789]}.")
        }
        return telegram
    }

    public func run() async throws {
        do {
            try lock.acquire()
        } catch {
            try? await http.shutdown()
            throw error
        }
        defer { lock.release() }
        do {
            try await serviceGroup.run()
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }
}
