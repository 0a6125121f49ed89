import AsyncHTTPClient
import CodexAdapter
import CompanionCore
import Foundation
import Logging
import ServiceLifecycle
import Store
import TelegramAdapter
import UnixSignals

/// Wires the daemon from a loaded context: the task service, the Telegram client of it (router,
/// presenter, poller, dispatcher) and the work runner, in one ServiceGroup that handles SIGTERM and SIGINT.
public struct TelegramDaemon: Sendable {
    /// Timings the tests shorten; the defaults are the production values.
    public struct Timing: Sendable {
        public var pollTimeout = 50
        public var backoffInitial: Duration = .seconds(1)
        public var staleAfter: TimeInterval = 3600
        public var splitPromptWait: Duration = .milliseconds(1200)

        public init() {}
    }

    public let serviceGroup: ServiceGroup
    /// Owned by the daemon and shut down when it stops, so no connection outlives it.
    private let http: HTTPClient
    /// One daemon per state directory: two would answer every message twice.
    private let lock: InstanceLock

    public init(
        context: CompanionContext, token: String, timing: Timing = Timing(), signals: [UnixSignal] = [.sigterm, .sigint],
        logger: Logger = Logger(label: "companion.daemon")
    ) throws {
        let telegram = try Self.telegramSettings(of: context)
        if telegram.allowedUserIDs.isEmpty {
            logger.warning("telegram.allowed_user_ids is empty: nobody can use the bot. Add your Telegram user id.")
        }
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = BotAPIClient(baseURL: telegram.apiBaseURL, token: token, http: http)
        let messenger = TelegramMessenger(client: client, backoffInitial: timing.backoffInitial)
        let runner = WorkRunner()
        let tasks = context.taskService()
        let inspector = GitRepositoryInspector()
        // Subscribed before anything can start a task, so the presenter sees every event.
        let events = tasks.subscribe()
        // Which message shows which approval request: the presenter posts them, /status points at them.
        let approvalMessages = ApprovalMessageBook()
        let http = self.http
        let transcriber = context.config.transcription.map {
            OpenAITranscriber(settings: $0, environment: context.environment.variables, http: http)
        }
        // Photos and files from the phone live in the state directory, never in a repository.
        let attachmentFiles = LocalAttachmentFiles(stateDirectory: context.config.stateDirectory)
        let presenter = TelegramPresenter(
            messenger: messenger, delivery: tasks, inspector: inspector, approvalMessages: approvalMessages,
            files: attachmentFiles)
        let router = CommandRouter(
            settings: .init(
                projects: context.config.projects, allowedUserIDs: Set(telegram.allowedUserIDs),
                staleAfter: timing.staleAfter),
            service: tasks, chats: context.database, messenger: messenger, inspector: inspector, audit: context.audit,
            joiner: SplitPromptJoiner(wait: timing.splitPromptWait), launcher: runner, approvalMessages: approvalMessages,
            intake: AttachmentIntake(
                downloader: TelegramFileDownloader(client: client), files: attachmentFiles, maxBytes: context.config.files.maxBytes),
            files: attachmentFiles,
            transcriber: transcriber)
        lock = InstanceLock(path: (context.config.stateDirectory as NSString).appendingPathComponent("serve.lock"))
        let (updates, sink) = AsyncStream<RecordedUpdate>.makeStream()
        let poller = UpdatePoller(
            client: client, store: context.database, sink: sink, pollTimeout: timing.pollTimeout,
            backoffInitial: timing.backoffInitial)
        let dispatcher = UpdateDispatcher(
            updates: updates, store: context.database,
            handle: { update in
                if let message = update.incomingMessage { await router.handle(message) }
                if let tap = update.incomingTap { await router.handle(tap) }
            })
        let bot = TelegramBotService(
            startup: BotStartup(client: client, logger: logger, backoffInitial: timing.backoffInitial),
            poller: poller, dispatcher: dispatcher, router: router, tasks: tasks,
            presenter: presenter, projects: context.config.projects)
        serviceGroup = ServiceGroup(
            configuration: .init(
                services: [
                    // Shut down in reverse order: first stop taking messages, then stop the running tasks and
                    // publish their results, then let the presenter deliver them.
                    .init(service: runner),
                    .init(service: PresenterLifecycle(presenter: presenter, events: events)),
                    .init(service: TaskServiceLifecycle(service: tasks)),
                    .init(
                        service: MaintenanceService(
                            sessions: context.sessions, database: context.database, attachments: attachmentFiles, logger: logger),
                        successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore),
                    .init(
                        service: bot, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: signals,
                logger: logger))
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
