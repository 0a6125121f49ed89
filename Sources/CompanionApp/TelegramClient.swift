import AsyncHTTPClient
import CodexAdapter
import CompanionCore
import Foundation
import Logging
import ServiceLifecycle
import Store
import TelegramAdapter

/// The Telegram client of the task service, built from the config: the messenger, the router with its
/// attachments and transcription, the presenter, the poller and the dispatcher, as the two services the
/// daemon runs (the presenter, and the bot that polls and recovers).
struct TelegramClient {
    let presenter: PresenterLifecycle
    let bot: TelegramBotService

    init(
        context: CompanionContext, telegram: CompanionConfig.Telegram, token: String, tasks: TaskService,
        launcher: any WorkLaunching, http: HTTPClient, attachmentFiles: LocalAttachmentFiles,
        timing: CompanionDaemon.Timing, logger: Logger
    ) {
        if telegram.allowedUserIDs.isEmpty {
            logger.warning("telegram.allowed_user_ids is empty: nobody can use the bot. Add your Telegram user id.")
        }
        let client = BotAPIClient(baseURL: telegram.apiBaseURL, token: token, http: http)
        let messenger = TelegramMessenger(client: client, backoffInitial: timing.backoffInitial)
        let inspector = GitRepositoryInspector()
        // Subscribed before anything can start a task, so the presenter sees every event.
        let events = tasks.subscribe()
        // Which message shows which approval request: the presenter posts them, /status points at them.
        let approvalMessages = ApprovalMessageBook()
        let transcriber = context.config.transcription.map {
            OpenAITranscriber(settings: $0, environment: context.environment.variables, http: http)
        }
        let presenter = TelegramPresenter(
            messenger: messenger, delivery: tasks, inspector: inspector, approvalMessages: approvalMessages,
            files: attachmentFiles)
        let router = CommandRouter(
            settings: .init(
                projects: context.config.projects, allowedUserIDs: Set(telegram.allowedUserIDs),
                staleAfter: timing.staleAfter),
            service: tasks, chats: context.database, messenger: messenger, inspector: inspector, audit: context.audit,
            joiner: SplitPromptJoiner(wait: timing.splitPromptWait), launcher: launcher, approvalMessages: approvalMessages,
            intake: AttachmentIntake(
                downloader: TelegramFileDownloader(client: client), files: attachmentFiles, maxBytes: context.config.files.maxBytes),
            files: attachmentFiles,
            transcriber: transcriber)
        let (updates, sink) = AsyncStream<RecordedUpdate>.makeStream()
        let owners = telegram.allowedUserIDs
        let poller = UpdatePoller(
            client: client, store: context.database, sink: sink, pollTimeout: timing.pollTimeout,
            backoff: Backoff(initial: timing.backoffInitial),
            onConflict: { _ in
                // In the background: polling goes on while the notice is delivered. A private chat's id is its user's.
                launcher.launch {
                    for owner in owners {
                        await messenger.send(chatID: owner, text: BotReplies.pollingConflict, style: .reply)
                    }
                }
            })
        let dispatcher = UpdateDispatcher(
            updates: updates, store: context.database,
            handle: { update in
                // A tap is answered at once; a message may leave its slow part (a download) running.
                if let tap = update.incomingTap { await router.handle(tap) }
                if let message = update.incomingMessage { return await router.accept(message) }
                return nil
            })
        self.presenter = PresenterLifecycle(presenter: presenter, events: events)
        bot = TelegramBotService(
            startup: BotStartup(client: client, logger: logger, backoffInitial: timing.backoffInitial),
            poller: poller, dispatcher: dispatcher, router: router, tasks: tasks,
            presenter: presenter, projects: context.config.projects)
    }
}
