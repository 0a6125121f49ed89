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

    private let settings: Settings
    private let bridge: CodexBridge
    private let tasks: any TaskStoring
    private let chats: any ChatStateStoring
    private let messenger: any ChatMessaging
    private let launcher: any WorkLaunching
    private let inspector: any RepositoryInspecting
    private let queue: TaskQueue
    private let activityLog: any ActivityLogging
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var botUsername: String?
    private var refusedUsers: Set<Int64> = []
    /// A long prompt waiting for the rest of a message Telegram split, per chat.
    private var pendingPrompts: [Int64: PendingPrompt] = [:]

    private struct PendingPrompt {
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

    // MARK: - Commands

    private func selectProject(_ name: String?, chatID: Int64, active: Project?) async -> String {
        guard let name else {
            await reply(chatID, projectList(active: active))
            return "ok"
        }
        guard let project = settings.projects.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            await reply(chatID, "Unknown project \"\(name)\". Projects: \(projectNames).")
            return "refused"
        }
        do {
            try await chats.setActiveProject(chatID: chatID, project: project.name)
        } catch {
            logger.error("saving the active project failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            await reply(chatID, "I could not save that choice (database error). Please try again.")
            return "failed"
        }
        var text = "Active project: \(project.name)."
        if let notes = project.notes { text += "\n\(notes)" }
        text += "\nType a message to continue its latest Codex session, or /new <prompt> to start a new one."
        await reply(chatID, text)
        return "ok"
    }

    private func startRun(_ prompt: String, mode: TaskMode, command: String?, message: TelegramMessage, active: Project?) async -> String {
        let chatID = message.chat.id
        guard let project = active else {
            await reply(chatID, "Pick a project first: /project <name>. Projects: \(projectNames).")
            return "refused"
        }
        guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            await reply(chatID, "Say what Codex should do: \(command ?? "/continue") <prompt>.")
            return "refused"
        }
        let age = now().timeIntervalSince(Date(timeIntervalSince1970: TimeInterval(message.date)))
        guard age <= settings.staleAfter else {
            await reply(chatID, "This message is \(Durations.short(age)) old, so I did not run it. Send it again if you still want it.")
            return "stale"
        }
        let request = BridgeRequest(project: project, prompt: prompt, mode: mode, requester: "telegram:\(chatID)", chatID: chatID)
        let taskID: Int64
        do {
            taskID = try await tasks.queueTask(NewTask(chatID: chatID, requester: request.requester, project: project.name,
                                                      prompt: prompt, mode: mode, threadID: nil, startedAt: now()))
        } catch {
            logger.error("recording a task failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            await reply(chatID, "I could not record the task (database error), so it did not run. Please try again.")
            return "failed"
        }
        switch await queue.enqueue(TaskQueue.Job(taskID: taskID, request: request)) {
        case .startedNow:
            return "started"
        case .queued(let position):
            let busy = await queue.runningTasks.first { $0.job.request.project.name == project.name }
            let reason = busy.map { "\(project.name) is busy with \"\(Self.clip($0.job.request.prompt, 40))\"" } ?? "all slots are busy"
            await reply(chatID, "Queued (#\(position) in line): \(reason). It starts by itself; /cancel queued drops it.")
            return "queued"
        case .refused:
            try? await tasks.endTaskWithoutRun(id: taskID, status: .cancelled, reason: "Not run: the companion was stopping.", at: now())
            await reply(chatID, "The companion is shutting down, so this did not run. Send it again in a moment.")
            return "refused"
        }
    }

    /// The background half of a run: acknowledgement, typing indicator, Codex, result.
    private func execute(_ job: TaskQueue.Job, control: RunControl) async {
        let request = job.request
        guard let chatID = request.chatID else { return }
        let messenger = self.messenger
        let project = request.project
        let progress = ProgressBox()
        let interval = settings.progressInterval
        let now = self.now
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Typing lasts about 5 s on the phone: renew it until the run ends (the group cancels us).
                while !Task.isCancelled {
                    await messenger.sendTyping(chatID: chatID)
                    try? await Task.sleep(for: .seconds(4))
                }
            }
            group.addTask {
                // The live progress message: edited with the newest state at most once per interval, only
                // when it changed. The messenger skips edits while the chat is rate limited.
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard !Task.isCancelled, let (messageID, state) = progress.takeChanged() else { continue }
                    if await !messenger.edit(chatID: chatID, messageID: messageID, message: state.render(now: now())) {
                        progress.markChanged()   // not shown (rate limited): send the newest state next time
                    }
                }
            }
            do {
                let report = try await bridge.run(request, queuedTaskID: job.taskID, control: control, onSessionChosen: { note in
                    let state = ProgressState(project: project.name, sessionNote: Self.sessionNote(note), startedAt: now())
                    let messageID = await messenger.post(chatID: chatID, message: state.render(now: now()), silent: false)
                    progress.start(messageID: messageID, state: state)
                }, onEvent: { event in
                    progress.apply(event, repoPath: project.repoPath)
                })
                group.cancelAll()
                // Codex is done: the project is free before its result goes out.
                await queue.release(job)
                logger.debug("delivering the result", metadata: ["task": "\(report.taskID)"])
                // The result first, as a new message so the phone notifies; then the progress message is
                // frozen as a one-line record (its edit may have to wait for the per-chat edit spacing).
                await deliver(report, chatID: chatID)
                if let messageID = progress.messageID {
                    let line = "\(SummaryRenderer.headline(report.status)) · \(project.name) · \(Durations.short(report.duration)) · \(progress.steps) steps: result below"
                    // In the background, so the project's next task does not wait for the edit spacing.
                    launcher.launch {
                        await messenger.edit(chatID: chatID, messageID: messageID, message: RenderedMessage(plain: line))
                    }
                }
            } catch let refusal as BridgeRefusal {
                group.cancelAll()
                try? await tasks.endTaskWithoutRun(id: job.taskID, status: .failed, reason: refusal.message, at: now())
                await messenger.send(chatID: chatID, text: refusal.message, style: .reply)
            } catch {
                group.cancelAll()
                logger.error("task could not be recorded", metadata: ["project": "\(project.name)", "error": "\(error)"])
                await messenger.send(chatID: chatID, text: "The task could not start: the companion's database failed. Check its log.", style: .reply)
            }
        }
    }

    private func deliver(_ report: TaskReport, chatID: Int64) async {
        let finalMessage = report.turn.finalMessage ?? ""
        var shown = report
        let long = finalMessage.unicodeScalars.count > settings.documentThreshold
        if long {
            // A very long answer: a readable head in the chat, and the whole text as a file.
            shown.turn.finalMessage = String(String.UnicodeScalarView(finalMessage.unicodeScalars.prefix(1500)))
                + "\n\n… (the full answer is in the attached file)"
        }
        let counts = await inspector.lineCounts(repoPath: report.project.repoPath, paths: report.turn.filesChanged.map(\.path))
        var delivered = true
        for message in ResultCard(now: now).render(shown, lineCounts: counts) {
            delivered = await messenger.post(chatID: chatID, message: message, silent: false) != nil && delivered
        }
        if delivered { await markDelivered(report.taskID) }
        if long {
            await messenger.sendDocument(chatID: chatID, fileName: "codex-answer-\(report.taskID).md", contents: Data(finalMessage.utf8),
                                         caption: "Codex's full answer (\(report.project.name), task #\(report.taskID))")
        }
    }

    /// The second line of the progress message: which session runs.
    static func sessionNote(_ note: SessionNote) -> String {
        switch note {
        case .new: return "New Codex session"
        case .newBecauseNoneFound: return "New Codex session (none existed in this project)"
        case .continued(let session, let origin):
            let prompt = session.firstPrompt.map { " \"\(clip($0, 40))\"" } ?? ""
            return "Continuing session \(session.shortID), started \(origin)\(prompt)"
        }
    }

    private func showDiff(chatID: Int64, active: Project?) async -> String {
        guard let project = active else {
            await reply(chatID, "Pick a project first: /project <name>. Projects: \(projectNames).")
            return "refused"
        }
        do {
            let changes = try await inspector.uncommittedChanges(repoPath: project.repoPath)
            guard changes.fileCount > 0 else {
                await reply(chatID, "No uncommitted changes in \(project.name).")
                return "ok"
            }
            let stat = changes.diffstat.count > 3000 ? String(changes.diffstat.prefix(3000)) + "\n…" : changes.diffstat
            await messenger.send(chatID: chatID, text: "Uncommitted changes in \(project.name) (\(changes.fileCount) file\(changes.fileCount == 1 ? "" : "s")):\n```\n\(stat)\n```", style: .reply)
            let stamp = ISO8601DateFormatter().string(from: now()).prefix(19).replacingOccurrences(of: ":", with: "")
            let sent = await messenger.sendDocument(chatID: chatID, fileName: "\(project.name)-\(stamp).patch", contents: Data(changes.patch.utf8),
                                                    caption: "git diff of \(project.name)")
            return sent ? "ok" : "failed"
        } catch {
            logger.error("reading the diff failed", metadata: ["project": "\(project.name)", "error": "\(error)"])
            await reply(chatID, "I could not read the changes of \(project.name): \(error)")
            return "failed"
        }
    }

    private func showLast(chatID: Int64, active: Project?) async -> String {
        guard let project = active else {
            await reply(chatID, "Pick a project first: /project <name>. Projects: \(projectNames).")
            return "refused"
        }
        do {
            guard let task = try await tasks.lastTask(project: project.name) else {
                await reply(chatID, "No task has run in \(project.name) yet.")
                return "ok"
            }
            let header = "Task #\(task.id) · \"\(String(task.prompt.prefix(80)))\""
            switch task.status {
            case .running:
                let elapsed = Durations.short(now().timeIntervalSince(task.startedAt))
                await reply(chatID, "\(header)\nStill running (\(elapsed)). The result will arrive here.")
            case .queued:
                await reply(chatID, "\(header)\nQueued.")
            default:
                await messenger.send(chatID: chatID, text: task.summary ?? "\(header)\nEnded: \(task.status.rawValue).", style: .result)
            }
            return "ok"
        } catch {
            logger.error("reading the last task failed", metadata: ["error": "\(error)"])
            await reply(chatID, "I could not read the last task (database error).")
            return "failed"
        }
    }

    private func statusText(active: Project?) async -> String {
        var lines = ["Project: \(active?.name ?? "none (pick one with /project <name>)")"]
        let running = await queue.runningTasks
        let queued = await queue.queuedJobs
        if running.isEmpty && queued.isEmpty {
            lines.append("Idle: no Codex task is running.")
        }
        for entry in running {
            let elapsed = Durations.short(now().timeIntervalSince(entry.startedAt))
            lines.append("Running in \(entry.job.request.project.name) for \(elapsed): \"\(Self.clip(entry.job.request.prompt, 60))\"")
        }
        for (index, job) in queued.enumerated() {
            lines.append("Queued #\(index + 1) in \(job.request.project.name): \"\(Self.clip(job.request.prompt, 60))\"")
        }
        return lines.joined(separator: "\n")
    }

    private func cancel(scope: String?, chatID: Int64, active: Project?) async -> String {
        guard scope == nil || scope == "all" || scope == "queued" else {
            await reply(chatID, "Use /cancel (the running task), /cancel queued (waiting tasks) or /cancel all.")
            return "refused"
        }
        var lines: [String] = []
        if scope == nil || scope == "all" {
            let mine = await queue.runningTasks.filter { $0.job.request.chatID == chatID }
            // The active project's task first; with none there, the chat's only running task.
            let target = mine.first { $0.job.request.project.name == active?.name } ?? (mine.count == 1 ? mine.first : nil)
            if let target, await queue.cancelRunning(project: target.job.request.project.name) != nil {
                lines.append("Stopping the task in \(target.job.request.project.name): \"\(Self.clip(target.job.request.prompt, 40))\"…")
            } else if mine.count > 1 {
                lines.append("Tasks run in several projects: select one with /project <name>, then /cancel.")
            } else {
                lines.append("Nothing is running.")
            }
        }
        if scope == "queued" || scope == "all" {
            let dropped = await queue.dropQueued(chatID: chatID)
            for job in dropped {
                try? await tasks.endTaskWithoutRun(id: job.taskID, status: .cancelled, reason: "Dropped from the queue with /cancel.", at: now())
            }
            lines.append(dropped.isEmpty ? "No queued tasks." : "Dropped \(dropped.count) queued task\(dropped.count == 1 ? "" : "s").")
        } else {
            let waiting = await queue.queuedJobs.filter { $0.request.chatID == chatID }.count
            if waiting > 0 { lines.append("\(waiting) queued task\(waiting == 1 ? "" : "s") will still run (/cancel queued drops them).") }
        }
        await reply(chatID, lines.joined(separator: "\n"))
        return "ok"
    }

    // MARK: - Long prompts split by Telegram

    private func scheduleFlush(chatID: Int64, generation: Int) {
        let wait = settings.splitPromptWait
        launcher.launch { [weak self] in
            try? await Task.sleep(for: wait)
            await self?.flushPendingPrompt(chatID: chatID, generation: generation)
        }
    }

    /// Runs the joined prompt, unless a newer part arrived since this flush was scheduled.
    private func flushPendingPrompt(chatID: Int64, generation: Int? = nil) async {
        guard let pending = pendingPrompts[chatID] else { return }
        if let generation, generation != pending.generation { return }
        pendingPrompts[chatID] = nil
        let started = now()
        let active = await activeProject(chatID: chatID)
        let outcome = await startRun(pending.text, mode: pending.mode, command: nil, message: pending.message, active: active)
        await audit(pending.message, command: "text", project: active?.name, outcome: outcome, started: started)
    }

    // MARK: - Start-up and shutdown

    /// After a restart: tasks that were running are marked interrupted, results that never reached their
    /// chat are sent (with the interrupted ones), and queued tasks run again in order.
    public func recover() async {
        do {
            let interrupted = try await tasks.interruptRunningTasks(at: now())
            if !interrupted.isEmpty { logger.warning("tasks interrupted by a restart", metadata: ["count": "\(interrupted.count)"]) }
            for task in try await tasks.undeliveredResults() {
                guard let chatID = task.chatID else { continue }
                let header = "Task #\(task.id) in \(task.project): \"\(Self.clip(task.prompt, 80))\""
                let body: String
                if task.status == .interrupted {
                    body = "⚠️ Interrupted: the companion stopped while this task ran. The session is kept; send the prompt again (or /continue) to retry."
                } else {
                    body = task.summary ?? "Ended: \(task.status.rawValue)."
                }
                if await messenger.send(chatID: chatID, text: task.status == .interrupted ? "\(header)\n\(body)" : body,
                                        style: task.status == .interrupted ? .reply : .result) {
                    await markDelivered(task.id)
                }
            }
            for task in try await tasks.queuedTasks() {
                guard let chatID = task.chatID, let project = settings.projects.first(where: { $0.name == task.project }) else {
                    try? await tasks.endTaskWithoutRun(id: task.id, status: .failed, reason: "Project \(task.project) is no longer configured.", at: now())
                    continue
                }
                let request = BridgeRequest(project: project, prompt: task.prompt, mode: task.mode, requester: task.requester, chatID: chatID)
                _ = await queue.enqueue(TaskQueue.Job(taskID: task.id, request: request))
            }
        } catch {
            logger.error("recovering tasks after a restart failed", metadata: ["error": "\(error)"])
        }
    }

    /// Shutdown: stop starting tasks and interrupt the running ones (Codex gets SIGINT).
    public func shutdown() async {
        await queue.stopAll()
    }

    private func markDelivered(_ taskID: Int64) async {
        do {
            try await tasks.markTaskDelivered(id: taskID, at: now())
        } catch {
            logger.error("recording a delivery failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
        }
    }

    static func clip(_ text: String, _ length: Int) -> String {
        PromptPreview.firstLine(text, limit: length)
    }

    private func helpText(active: Project?) -> String {
        """
        Codex Remote Companion: drive Codex on your computer from here.

        /project <name>: pick the project (now: \(active?.name ?? "none"))
        /new <prompt>: start a new Codex session
        /continue <prompt>, or just type: continue the project's latest session, even one started in the terminal
        /last: the last task's result
        /diff: the project's uncommitted changes as a .patch file
        /status: what is running and queued
        /cancel: stop the running task (/cancel all: also drop queued ones)

        Projects: \(projectNames)
        """
    }

    private func projectList(active: Project?) -> String {
        guard !settings.projects.isEmpty else { return "No projects are configured." }
        let lines = settings.projects.map { project in
            project.name == active?.name ? "• \(project.name) (active)" : "• \(project.name)"
        }
        return "Projects:\n" + lines.joined(separator: "\n") + "\n\nPick one with /project <name>."
    }

    // MARK: - Authorisation, edits, audit

    private func isAuthorised(user: TelegramUser, chat: TelegramChat) -> Bool {
        settings.allowedUserIDs.contains(user.id) && chat.type == "private" && user.isBot != true
    }

    private func refuse(_ message: TelegramMessage, started: Date) async {
        let userID = message.from?.id
        logger.warning("refused a message from an unauthorised sender",
                       metadata: ["user": "\(userID.map(String.init) ?? "-")", "chat": "\(message.chat.id)", "chat_type": "\(message.chat.type)"])
        await audit(message, command: "unauthorised", project: nil, outcome: "unauthorised", started: started)
        // One generic refusal per sender, in private chats only, and nothing about projects or paths.
        guard message.chat.type == "private", let userID, refusedUsers.insert(userID).inserted else { return }
        await reply(message.chat.id, "Sorry, this is a private bot.")
    }

    private func handleEdit(_ message: TelegramMessage, started: Date) async {
        guard let user = message.from, isAuthorised(user: user, chat: message.chat) else {
            await audit(message, command: "edit", project: nil, outcome: "unauthorised", started: started)
            return
        }
        await reply(message.chat.id, "Edited messages are not run again. Send a new message instead.")
        await audit(message, command: "edit", project: nil, outcome: "ignored", started: started)
    }

    private func activeProject(chatID: Int64) async -> Project? {
        do {
            guard let name = try await chats.activeProject(chatID: chatID) else { return nil }
            // A project removed from the config is no longer active.
            return settings.projects.first { $0.name == name }
        } catch {
            logger.error("reading the active project failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            return nil
        }
    }

    private func audit(_ message: TelegramMessage, command: String, project: String?, outcome: String, started: Date) async {
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

    private func reply(_ chatID: Int64, _ text: String) async {
        await messenger.send(chatID: chatID, text: text, style: .reply)
    }

    private var projectNames: String {
        settings.projects.isEmpty ? "none configured" : settings.projects.map(\.name).joined(separator: ", ")
    }
}

/// A weak link from the queue's callback to its controller, set once during the controller's init.
private final class ControllerReference: @unchecked Sendable {
    weak var controller: BotController?
}

/// The live progress of one run, shared between the event callback and the edit loop.
private final class ProgressBox: Sendable {
    private struct Content {
        var messageID: Int64?
        var state: ProgressState?
        var changed = false
    }

    private let content = Mutex(Content())

    func start(messageID: Int64?, state: ProgressState) {
        content.withLock { $0 = Content(messageID: messageID, state: state, changed: false) }
    }

    func apply(_ event: CodexEvent, repoPath: String) {
        content.withLock { content in
            guard var state = content.state else { return }
            let before = state
            state.apply(event, repoPath: repoPath)
            content.state = state
            if state != before { content.changed = true }
        }
    }

    /// The message and newest state, if the state changed since the last call.
    func takeChanged() -> (Int64, ProgressState)? {
        content.withLock { content in
            guard content.changed, let id = content.messageID, let state = content.state else { return nil }
            content.changed = false
            return (id, state)
        }
    }

    func markChanged() {
        content.withLock { $0.changed = true }
    }

    var messageID: Int64? { content.withLock { $0.messageID } }
    var steps: Int { content.withLock { $0.state?.steps ?? 0 } }
}
