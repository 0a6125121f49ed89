import Foundation
import Logging
import Synchronization

/// Turns Telegram updates into actions: authorises the sender, parses the command, answers at once,
/// and launches Codex runs in the background. One instance per daemon; updates arrive one at a time.
public actor BotController {
    public struct Settings: Sendable {
        public var projects: [Project]
        public var allowedUserIDs: Set<Int64>
        /// Messages older than this are not run: they may be stale commands from a long outage.
        public var staleAfter: TimeInterval
        /// Final messages longer than this (code points) also arrive as a document.
        public var documentThreshold: Int
        public var limits: TaskQueue.Limits
        /// Telegram splits long texts into several messages; a prompt at least this long waits this long
        /// for its next part, so the parts run as one prompt.
        public var splitPromptLength: Int
        public var splitPromptWait: Duration
        /// How often the live progress message may be edited.
        public var progressInterval: Duration = .milliseconds(1500)

        public init(projects: [Project], allowedUserIDs: Set<Int64>, staleAfter: TimeInterval = 3600, documentThreshold: Int = 10_000,
                    limits: TaskQueue.Limits = TaskQueue.Limits(), splitPromptLength: Int = 3000,
                    splitPromptWait: Duration = .milliseconds(1200)) {
            self.projects = projects
            self.allowedUserIDs = allowedUserIDs
            self.staleAfter = staleAfter
            self.documentThreshold = documentThreshold
            self.limits = limits
            self.splitPromptLength = splitPromptLength
            self.splitPromptWait = splitPromptWait
        }
    }

    let settings: Settings
    let bridge: CodexBridge
    let tasks: any TaskStoring
    let chats: any ChatStateStoring
    let messenger: any ChatMessaging
    let launcher: any WorkLaunching
    let inspector: any RepositoryInspecting
    let queue: TaskQueue
    let activityLog: any ActivityLogging
    let logger: Logger
    let now: @Sendable () -> Date
    var botUsername: String?
    var refusedUsers: Set<Int64> = []
    /// Each chat's active project as stored (nil: none chosen), kept after the first read: this daemon is
    /// the only writer of the choice, so the message path reads it from memory.
    var activeProjectNames: [Int64: String?] = [:]
    /// A long prompt waiting for the rest of a message Telegram split, per chat.
    var pendingPrompts: [Int64: PendingPrompt] = [:]

    struct PendingPrompt {
        var text: String
        var mode: TaskMode
        var message: TelegramMessage
        var generation: Int
    }

    public init(settings: Settings, bridge: CodexBridge, tasks: any TaskStoring, chats: any ChatStateStoring,
                messenger: any ChatMessaging, launcher: any WorkLaunching, inspector: any RepositoryInspecting,
                activityLog: any ActivityLogging, logger: Logger = Logger(label: "companion.bot"),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.bridge = bridge
        self.tasks = tasks
        self.chats = chats
        self.messenger = messenger
        self.launcher = launcher
        self.inspector = inspector
        self.activityLog = activityLog
        self.logger = logger
        self.now = now
        // The queue calls back into this controller to run a job; the reference is set once, below.
        let reference = ControllerReference()
        queue = TaskQueue(limits: settings.limits, launcher: launcher, now: now) { job, control in
            await reference.controller?.execute(job, control: control)
        }
        reference.controller = self
    }

    /// The bot's own @username, from getMe, so `/cmd@ThisBot` is recognised and `/cmd@OtherBot` is not.
    public func setBotUsername(_ name: String?) {
        botUsername = name
    }

    public func handle(_ update: TelegramUpdate) async {
        let started = now()
        if let edited = update.editedMessage {
            await handleEdit(edited, started: started)
            return
        }
        guard let message = update.message else { return }
        guard let user = message.from, isAuthorised(user: user, chat: message.chat) else {
            await refuse(message, started: started)
            return
        }
        let chatID = message.chat.id
        guard let text = message.text else {
            await reply(chatID, "I can only read text. Send your request as a text message.")
            await audit(message, command: "non-text", project: nil, outcome: "refused", started: started)
            return
        }
        let command = BotCommand.parse(text, botUsername: botUsername)
        if case .prompt(let part) = command, var pending = pendingPrompts[chatID] {
            // The next part of a long message Telegram split: join it, and wait again for more.
            pending.text += "\n" + part
            pending.generation += 1
            pendingPrompts[chatID] = pending
            scheduleFlush(chatID: chatID, generation: pending.generation)
            await audit(message, command: "text-part", project: nil, outcome: "joined", started: started)
            return
        }
        await flushPendingPrompt(chatID: chatID)
        let active = await activeProject(chatID: chatID)
        let outcome: String
        switch command {
        case .help:
            await reply(chatID, helpText(active: active))
            outcome = "ok"
        case .project(let name):
            outcome = await selectProject(name, chatID: chatID, active: active)
        case .new(let prompt):
            outcome = await startRun(prompt, mode: .new, command: "/new", message: message, active: active)
        case .continue(let prompt):
            outcome = await startRun(prompt, mode: .continue, command: "/continue", message: message, active: active)
        case .prompt(let prompt) where prompt.unicodeScalars.count >= settings.splitPromptLength:
            pendingPrompts[chatID] = PendingPrompt(text: prompt, mode: .continue, message: message, generation: 0)
            scheduleFlush(chatID: chatID, generation: 0)
            outcome = "waiting-for-parts"
        case .prompt(let prompt):
            outcome = await startRun(prompt, mode: .continue, command: nil, message: message, active: active)
        case .cancel(let scope):
            outcome = await cancel(scope: scope, chatID: chatID, active: active)
        case .diff:
            outcome = await showDiff(chatID: chatID, active: active)
        case .last:
            outcome = await showLast(chatID: chatID, active: active)
        case .status:
            await reply(chatID, await statusText(active: active))
            outcome = "ok"
        case .unknown(let name):
            await reply(chatID, "Unknown command \(name). Send /help for the list.")
            outcome = "refused"
        }
        await audit(message, command: command.auditName, project: active?.name, outcome: outcome, started: started)
    }

    // MARK: - Authorisation, edits, audit

    func isAuthorised(user: TelegramUser, chat: TelegramChat) -> Bool {
        settings.allowedUserIDs.contains(user.id) && chat.type == "private" && user.isBot != true
    }

    func refuse(_ message: TelegramMessage, started: Date) async {
        let userID = message.from?.id
        logger.warning("refused a message from an unauthorised sender",
                       metadata: ["user": "\(userID.map(String.init) ?? "-")", "chat": "\(message.chat.id)", "chat_type": "\(message.chat.type)"])
        await audit(message, command: "unauthorised", project: nil, outcome: "unauthorised", started: started)
        // One generic refusal per sender, in private chats only, and nothing about projects or paths.
        guard message.chat.type == "private", let userID, refusedUsers.insert(userID).inserted else { return }
        await reply(message.chat.id, "Sorry, this is a private bot.")
    }

    func handleEdit(_ message: TelegramMessage, started: Date) async {
        guard let user = message.from, isAuthorised(user: user, chat: message.chat) else {
            await audit(message, command: "edit", project: nil, outcome: "unauthorised", started: started)
            return
        }
        await reply(message.chat.id, "Edited messages are not run again. Send a new message instead.")
        await audit(message, command: "edit", project: nil, outcome: "ignored", started: started)
    }

    func activeProject(chatID: Int64) async -> Project? {
        do {
            let stored: String?
            if let cached = activeProjectNames[chatID] {
                stored = cached
            } else {
                stored = try await chats.activeProject(chatID: chatID)
                activeProjectNames[chatID] = .some(stored)
            }
            guard let name = stored else { return nil }
            // A project removed from the config is no longer active.
            return configuredProject(named: name)
        } catch {
            logger.error("reading the active project failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            return nil
        }
    }

    func audit(_ message: TelegramMessage, command: String, project: String?, outcome: String, started: Date) async {
        let duration = now().timeIntervalSince(started)
        let entry = AuditEntry(time: started, userID: message.from?.id, chatID: message.chat.id, command: command,
                               project: project, outcome: outcome, duration: duration)
        do {
            try await chats.recordAudit(entry)
        } catch {
            logger.error("writing the audit trail failed", metadata: ["error": "\(error)"])
        }
        activityLog.record(ActivityEntry(time: started, requester: "telegram:\(message.chat.id)", command: command,
                                         project: project, succeeded: ["ok", "started"].contains(outcome), duration: duration))
    }

    func reply(_ chatID: Int64, _ text: String) async {
        await messenger.send(chatID: chatID, text: text, style: .reply)
    }

    /// The configured project with this stored name; nil once it is removed from the config.
    func configuredProject(named name: String) -> Project? {
        settings.projects.first { $0.name == name }
    }

    /// The reply to a project command from a chat that has not picked one.
    var pickProjectFirst: String {
        "Pick a project first: /project <name>. Projects: \(projectNames)."
    }

    var projectNames: String {
        settings.projects.isEmpty ? "none configured" : settings.projects.map(\.name).joined(separator: ", ")
    }
}

/// A weak link from the queue's callback to its controller, set once during the controller's init.
private final class ControllerReference: @unchecked Sendable {
    weak var controller: BotController?
}
