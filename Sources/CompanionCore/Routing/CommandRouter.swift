import Foundation
import Logging

/// Turns chat messages into task-service calls and replies: authorises the sender, parses the command,
/// resolves the chat's project, answers quick commands at once and submits Codex work. What happens to a
/// task after that is the presenter's business: it subscribes to the service's events. Every message is
/// written to the audit trail once, but a stranger's repeats within an hour only as one summary
/// (`StrangerTally`). One instance per daemon; messages arrive one at a time (`accept`), but the slow part
/// of one (a download, a transcription) goes on in its chat's lane while the next are handled.
public actor CommandRouter {
    public struct Settings: Sendable {
        public var projects: [Project]
        public var allowedUserIDs: Set<Int64>
        /// Messages older than this are not run: they may be stale commands from a long outage.
        public var staleAfter: TimeInterval

        public init(projects: [Project], allowedUserIDs: Set<Int64>, staleAfter: TimeInterval = 3600) {
            self.projects = projects
            self.allowedUserIDs = allowedUserIDs
            self.staleAfter = staleAfter
        }
    }

    let settings: Settings
    let service: TaskService
    private let chats: any ChatStateStoring
    let messenger: any ChatMessaging
    private let inspector: any RepositoryInspecting
    private let audit: any AuditRecording
    private let joiner: SplitPromptJoiner
    let launcher: any WorkLaunching
    let clock: any TaskClock
    let logger: Logger
    let approvalMessages: ApprovalMessageBook
    /// Photos and files: nil when the client cannot download them.
    let intake: AttachmentIntake?
    let files: (any AttachmentFiles)?
    /// Voice notes: nil when no transcription service is configured.
    let transcriber: (any Transcribing)?
    let albums: MediaGroupCollector
    /// Each chat's slow intake (downloads, transcriptions, albums) and the prompts behind it.
    let lanes = ChatLanes()
    private(set) var botUsername: String?
    private var refusedUsers: Set<Int64> = []
    /// Strangers' messages and taps: the first of each hour is logged and audited, the rest counted.
    private var strangers = StrangerTally()
    /// Failed tasks already run again in a new session (one tap each; a second tap is expired).
    private var rerunTasks: Set<Int64> = []
    /// Each chat's active project as stored (nil: none chosen), kept after the first read: this daemon is
    /// the only writer of the choice, so the message path reads it from memory.
    private var activeProjectNames: [Int64: String?] = [:]

    public init(
        settings: Settings, service: TaskService, chats: any ChatStateStoring, messenger: any ChatMessaging,
        inspector: any RepositoryInspecting, audit: any AuditRecording, joiner: SplitPromptJoiner,
        launcher: any WorkLaunching, clock: any TaskClock = SystemClock(),
        approvalMessages: ApprovalMessageBook = ApprovalMessageBook(),
        intake: AttachmentIntake? = nil, files: (any AttachmentFiles)? = nil, transcriber: (any Transcribing)? = nil,
        albums: MediaGroupCollector? = nil,
        logger: Logger = Logger(label: "companion.router")
    ) {
        self.approvalMessages = approvalMessages
        self.intake = intake
        self.files = files
        self.transcriber = transcriber
        self.albums = albums ?? MediaGroupCollector(clock: clock)
        self.settings = settings
        self.service = service
        self.chats = chats
        self.messenger = messenger
        self.inspector = inspector
        self.audit = audit
        self.joiner = joiner
        self.launcher = launcher
        self.clock = clock
        self.logger = logger
    }

    /// The bot's own @username, so `/cmd@ThisBot` is recognised and `/cmd@OtherBot` is not.
    public func setBotUsername(_ name: String?) {
        botUsername = name
    }

    public func handle(_ message: IncomingMessage) async {
        let started = clock.now()
        await summarise(strangers.close(endedBy: started))
        guard isAuthorised(message) else {
            await refuse(message, at: started)
            return
        }
        let (command, project, outcome) = await route(message)
        await audit.record(
            AuditEntry(
                time: started, requester: message.requester, userID: message.userID, command: command,
                project: project, outcome: outcome, duration: clock.now().timeIntervalSince(started)))
    }

    /// Answers the message; returns what the audit trail records.
    private func route(_ message: IncomingMessage) async -> (command: String, project: String?, outcome: CommandOutcome) {
        if message.isEdit {
            await reply(message, BotReplies.editsNotRun)
            return ("edit", nil, .ignored)
        }
        if !message.attachments.isEmpty {
            return await routeAttachments(message)
        }
        guard let text = message.text else {
            await reply(message, message.hasUnsupportedContent ? BotReplies.unsupportedContent : BotReplies.textOnly)
            return ("non-text", nil, .refused)
        }
        let command = BotCommand.parse(text, botUsername: botUsername)
        if case .prompt(let part) = command {
            switch await joiner.offer(part, from: message) {
            case .joined:
                return ("text-part", nil, .joined)
            case .started:
                scheduleJoinedPrompt(chatID: message.chatID)
                return ("text", nil, .waitingForParts)
            case .runNow:
                break
            }
        } else if let pending = await joiner.takeNow(chatID: message.chatID) {
            // A command ends a split message: its prompt runs first.
            await runJoined(pending)
        }
        let active = await activeProject(chatID: message.chatID)
        let outcome: CommandOutcome
        switch command {
        case .help:
            await reply(message, BotReplies.help(active: active, projects: settings.projects))
            outcome = .ok
        case .project(let name):
            outcome = await selectProject(name, message: message, active: active)
        case .new(let prompt):
            outcome = await submit(prompt, mode: .new, command: "/new", message: message, active: active)
        case .continue(let prompt):
            outcome = await submit(prompt, mode: .continue, command: "/continue", message: message, active: active)
        case .prompt(let prompt):
            outcome = await submit(prompt, mode: .continue, command: nil, message: message, active: active, steerable: true)
        case .queue(let prompt):
            outcome = await submit(prompt, mode: .continue, command: "/queue", message: message, active: active)
        case .cancel(let scope):
            let answer = await service.cancel(scope, requester: message.requester, preferring: active?.name)
            await reply(message, BotReplies.cancelled(answer, scope: scope))
            outcome = .ok
        case .badCancelScope:
            await reply(message, BotReplies.badCancelScope)
            outcome = .refused
        case .diff:
            outcome = await showDiff(message, active: active)
        case .file(let path):
            outcome = await sendFile(path, message: message, active: active)
        case .last:
            outcome = await showLast(message, active: active)
        case .status:
            await showStatus(message, active: active)
            outcome = .ok
        case .notify(let change):
            outcome = await notify(change, message: message)
        case .badNotify:
            await reply(message, BotReplies.badNotify)
            outcome = .refused
        case .unknown(let name):
            await reply(message, BotReplies.unknownCommand(name))
            outcome = .refused
        }
        return (command.auditName, active?.name, outcome)
    }

    // MARK: - Authorisation

    func isAuthorised(_ message: IncomingMessage) -> Bool {
        guard let user = message.userID else { return false }
        return settings.allowedUserIDs.contains(user) && message.isPrivate && !message.senderIsBot
    }

    /// Answers a stranger (once) and, for the first message of the hour, logs and audits it.
    private func refuse(_ message: IncomingMessage, at started: Date) async {
        let first = await noteStranger(message.userID ?? message.chatID, userID: message.userID, requester: message.requester, at: started)
        // One generic refusal per sender, in private chats only, and nothing about projects or paths.
        if !message.isEdit, message.isPrivate, let user = message.userID, refusedUsers.insert(user).inserted {
            await reply(message, BotReplies.privateBot)
        }
        guard first else { return }
        logger.warning(
            "refused a message from an unauthorised sender",
            metadata: [
                "user": "\(message.userID.map(String.init) ?? "-")", "chat": "\(message.chatID)",
                "private": "\(message.isPrivate)",
            ])
        await audit.record(
            AuditEntry(
                time: started, requester: message.requester, userID: message.userID, command: message.isEdit ? "edit" : "unauthorised",
                project: nil, outcome: .unauthorised, duration: clock.now().timeIntervalSince(started)))
    }

    /// Counts a stranger's message or tap; true when it is the first of its hour, to be logged and audited.
    private func noteStranger(_ sender: Int64, userID: Int64?, requester: Requester, at time: Date) async -> Bool {
        let (first, evicted) = strangers.note(sender, userID: userID, requester: requester, at: time)
        await summarise(evicted.map { [$0] } ?? [])
        return first
    }

    /// One log line and one audit row for each window's repeats.
    private func summarise(_ summaries: [StrangerTally.Summary]) async {
        for summary in summaries {
            logger.warning(
                "refused more messages from an unauthorised sender",
                metadata: ["sender": "\(summary.sender)", "count": "\(summary.repeats)", "since": "\(summary.since)"])
            await audit.record(
                AuditEntry(
                    time: clock.now(), requester: summary.requester, userID: summary.userID, command: "unauthorised-repeats",
                    project: nil, outcome: .unauthorised, duration: 0,
                    detail: "\(summary.repeats) more from this sender in the hour after its first, counted, not recorded one by one"))
        }
    }

    // MARK: - Tasks

    func submit(
        _ prompt: String, mode: TaskMode, command: String?, message: IncomingMessage,
        active: Project?, steerable: Bool = false, images: [String] = []
    ) async -> CommandOutcome {
        guard let project = active else {
            await reply(message, BotReplies.pickProjectFirst(settings.projects))
            return .refused
        }
        guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            await reply(message, BotReplies.emptyPrompt(command: command))
            return .refused
        }
        let age = clock.now().timeIntervalSince(message.sentAt)
        guard age <= settings.staleAfter else {
            await reply(message, BotReplies.stale(age: age))
            return .stale
        }
        if steerable, case .added(let task) = await service.steer(project: project.name, text: prompt, requester: message.requester) {
            await reply(message, BotReplies.steered(task))
            return .steered
        }
        let request = TaskRequest(project: project, prompt: prompt, mode: mode, requester: message.requester, images: images)
        switch await service.submit(request) {
        case .started:
            return .started
        case .queued(_, let position, let blocker):
            await reply(message, BotReplies.queued(position: position, behind: blocker))
            return .queued
        case .refused(let refusal):
            await reply(message, BotReplies.refused(refusal))
            return refusal == .storeFailed ? .failed : .refused
        }
    }

    /// Runs a split message's joined prompt once its chat has been quiet.
    private func scheduleJoinedPrompt(chatID: Int64) {
        let joiner = self.joiner
        launcher.launch { [weak self] in
            guard let pending = await joiner.complete(chatID: chatID) else { return }
            await self?.runJoined(pending)
        }
    }

    private func runJoined(_ pending: SplitPromptJoiner.Pending) async {
        let started = clock.now()
        let message = pending.first
        let active = await activeProject(chatID: message.chatID)
        let outcome = await submit(pending.text, mode: .continue, command: nil, message: message, active: active, steerable: true)
        await audit.record(
            AuditEntry(
                time: started, requester: message.requester, userID: message.userID, command: "text",
                project: active?.name, outcome: outcome, duration: clock.now().timeIntervalSince(started)))
    }

    // MARK: - Quick commands

    /// /status; when a task waits for an approval, the reply quotes the request's message so a tap on
    /// the quote leads to it.
    private func showStatus(_ message: IncomingMessage, active: Project?) async {
        let snapshot = await service.snapshot()
        let text = BotReplies.status(snapshot, active: active, now: clock.now(), codexWay: await service.codexWay())
        let waiting = snapshot.running.flatMap(\.waitingFor)
        let quoted = waiting.lazy.compactMap { self.approvalMessages.messageID(of: $0.id, in: message.chatID) }.first
        guard let quoted else { return await reply(message, text) }
        _ = await messenger.post(
            chatID: message.chatID, message: RenderedMessage(plain: text), silent: false, buttons: [], replyTo: quoted)
    }

    /// Shows the chat's notices, or turns desk notices on or off.
    private func notify(_ change: BotCommand.NotifyChange?, message: IncomingMessage) async -> CommandOutcome {
        do {
            if case .desk(let on) = change { try await chats.setHearsTheDesk(chatID: message.chatID, on) }
            let on = try await chats.hearsTheDesk(chatID: message.chatID)
            await reply(message, BotReplies.notices(deskOn: on, changed: change != nil))
            return .ok
        } catch {
            logger.error("the desk notice setting failed", metadata: ["chat": "\(message.chatID)", "error": "\(error)"])
            await reply(message, BotReplies.saveFailed)
            return .failed
        }
    }

    private func selectProject(_ name: String?, message: IncomingMessage, active: Project?) async -> CommandOutcome {
        guard let name else {
            await reply(message, BotReplies.projectList(settings.projects, active: active))
            return .ok
        }
        guard let project = settings.projects.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            await reply(message, BotReplies.unknownProject(name, projects: settings.projects))
            return .refused
        }
        do {
            try await chats.setActiveProject(chatID: message.chatID, project: project.name)
            activeProjectNames[message.chatID] = .some(project.name)
        } catch {
            logger.error("saving the active project failed", metadata: ["chat": "\(message.chatID)", "error": "\(error)"])
            await reply(message, BotReplies.saveFailed)
            return .failed
        }
        await reply(message, BotReplies.projectSelected(project))
        return .ok
    }

    private func showDiff(_ message: IncomingMessage, active: Project?) async -> CommandOutcome {
        guard let project = active else {
            await reply(message, BotReplies.pickProjectFirst(settings.projects))
            return .refused
        }
        do {
            let changes = try await inspector.uncommittedChanges(repoPath: project.repoPath)
            guard changes.fileCount > 0 else {
                await reply(message, BotReplies.noChanges(project))
                return .ok
            }
            await reply(message, BotReplies.changes(changes, project: project))
            let stamp = ISO8601DateFormatter().string(from: clock.now()).prefix(19).replacingOccurrences(of: ":", with: "")
            let sent = await messenger.sendDocument(
                chatID: message.chatID, fileName: "\(project.name)-\(stamp).patch",
                contents: Data(changes.patch.utf8), caption: "git diff of \(project.name)")
            return sent ? .ok : .failed
        } catch {
            logger.error("reading the diff failed", metadata: ["project": "\(project.name)", "error": "\(error)"])
            await reply(message, BotReplies.diffFailed(project, error: error))
            return .failed
        }
    }

    private func showLast(_ message: IncomingMessage, active: Project?) async -> CommandOutcome {
        guard let project = active else {
            await reply(message, BotReplies.pickProjectFirst(settings.projects))
            return .refused
        }
        do {
            guard let task = try await service.lastTask(project: project.name) else {
                await reply(message, BotReplies.noTaskYet(project))
                return .ok
            }
            for rendered in LastTaskView().render(task, project: project, now: clock.now()) {
                await messenger.post(chatID: message.chatID, message: rendered, silent: true)
            }
            return .ok
        } catch {
            logger.error("reading the last task failed", metadata: ["error": "\(error)"])
            await reply(message, BotReplies.lastFailed)
            return .failed
        }
    }

    // MARK: - Helpers

    func activeProject(chatID: Int64) async -> Project? {
        do {
            let stored: String?
            if let cached = activeProjectNames[chatID] {
                stored = cached
            } else {
                stored = try await chats.activeProject(chatID: chatID)
                activeProjectNames[chatID] = .some(stored)
            }
            // A project removed from the config is no longer active.
            return stored.flatMap { name in settings.projects.first { $0.name == name } }
        } catch {
            logger.error("reading the active project failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            return nil
        }
    }

    // MARK: - Button taps

    /// A tap on a decision button: only allowlisted users in a private chat count; the first answer wins;
    /// a request that is gone answers "expired" and changes nothing. The tap's spinner always stops.
    public func handle(_ tap: IncomingTap) async {
        let started = clock.now()
        await summarise(strangers.close(endedBy: started))
        let requester = Requester.telegram(chatID: tap.chatID ?? tap.userID)
        var project: String?
        let outcome: CommandOutcome
        if !(settings.allowedUserIDs.contains(tap.userID) && tap.isPrivate) {
            await messenger.answerTap(id: tap.id, text: ApprovalText.refusedTap)
            guard await noteStranger(tap.userID, userID: tap.userID, requester: requester, at: started) else { return }
            logger.warning(
                "refused a button tap from an unauthorised sender",
                metadata: ["user": "\(tap.userID)", "chat": "\(tap.chatID.map(String.init) ?? "-")"])
            outcome = .unauthorised
        } else if let busy = BusySessionOffer.tap(in: tap.data) {
            let ran = await runAgain(busy.taskID, busy.choice, tap: tap)
            project = ran.project
            outcome = ran.outcome
        } else if let taskID = ChangedFilesOffer.taskID(in: tap.data) {
            let sent = await sendChangedFiles(of: taskID, tap: tap)
            project = sent.project
            outcome = sent.outcome
        } else if let button = ApprovalButton(data: tap.data) {
            switch await service.answerApproval(button.id, button.decision, by: requester, userID: tap.userID) {
            case .accepted(let pending):
                project = pending.task.request.project.name
                await messenger.answerTap(id: tap.id, text: ApprovalText.tapAnswer(button.decision))
                // The broker audits the decision itself, with what was asked and how long it waited.
                return
            case .expired:
                await messenger.answerTap(id: tap.id, text: ApprovalText.expiredTap)
                outcome = .expired
            }
        } else {
            await messenger.answerTap(id: tap.id, text: ApprovalText.unreadableTap)
            outcome = .refused
        }
        await audit.record(
            AuditEntry(
                time: started, requester: requester, userID: tap.userID, command: "approval-tap", project: project,
                outcome: outcome, duration: clock.now().timeIntervalSince(started)))
    }

    /// True the first time a task is run again from its busy-session offer.
    func takeRerun(of taskID: Int64) -> Bool {
        rerunTasks.insert(taskID).inserted
    }

    func reply(_ message: IncomingMessage, _ text: String) async {
        await messenger.send(chatID: message.chatID, text: text, style: .reply)
    }
}
