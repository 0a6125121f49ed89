import Foundation
import Logging

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

        public init(projects: [Project], allowedUserIDs: Set<Int64>, staleAfter: TimeInterval = 3600, documentThreshold: Int = 10_000) {
            self.projects = projects
            self.allowedUserIDs = allowedUserIDs
            self.staleAfter = staleAfter
            self.documentThreshold = documentThreshold
        }
    }

    private let settings: Settings
    private let bridge: CodexBridge
    private let tasks: any TaskStoring
    private let chats: any ChatStateStoring
    private let messenger: any ChatMessaging
    private let launcher: any WorkLaunching
    private let running: RunningTasks
    private let activityLog: any ActivityLogging
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var botUsername: String?
    private var refusedUsers: Set<Int64> = []

    public init(settings: Settings, bridge: CodexBridge, tasks: any TaskStoring, chats: any ChatStateStoring,
                messenger: any ChatMessaging, launcher: any WorkLaunching, running: RunningTasks = RunningTasks(),
                activityLog: any ActivityLogging, logger: Logger = Logger(label: "companion.bot"),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.bridge = bridge
        self.tasks = tasks
        self.chats = chats
        self.messenger = messenger
        self.launcher = launcher
        self.running = running
        self.activityLog = activityLog
        self.logger = logger
        self.now = now
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
        case .prompt(let prompt):
            outcome = await startRun(prompt, mode: .continue, command: nil, message: message, active: active)
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
        let entry = RunningTasks.Entry(project: project.name, prompt: prompt, chatID: chatID, startedAt: now())
        guard await running.claim(entry) else {
            let busy = await running.entry(project: project.name)
            let since = busy.map { " for \(Durations.short(now().timeIntervalSince($0.startedAt)))" } ?? ""
            await reply(chatID, "\(project.name) is busy with another task\(since). Wait for its result, then send this again.")
            return "busy"
        }
        let request = BridgeRequest(project: project, prompt: prompt, mode: mode, requester: "telegram:\(chatID)", chatID: chatID)
        launcher.launch { [self] in
            await self.execute(request)
        }
        return "started"
    }

    /// The background half of a run: acknowledgement, typing indicator, Codex, result.
    private func execute(_ request: BridgeRequest) async {
        guard let chatID = request.chatID else { return }
        let messenger = self.messenger
        let project = request.project.name
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Typing lasts about 5 s on the phone: renew it until the run ends (the group cancels us).
                while !Task.isCancelled {
                    await messenger.sendTyping(chatID: chatID)
                    try? await Task.sleep(for: .seconds(4))
                }
            }
            do {
                let report = try await bridge.run(request, onSessionChosen: { note in
                    await messenger.send(chatID: chatID, text: Self.acknowledgement(note, project: project), style: .reply)
                })
                group.cancelAll()
                logger.debug("delivering the result", metadata: ["task": "\(report.taskID)"])
                await deliver(report, chatID: chatID)
            } catch let refusal as BridgeRefusal {
                group.cancelAll()
                await messenger.send(chatID: chatID, text: refusal.message, style: .reply)
            } catch {
                group.cancelAll()
                logger.error("task could not be recorded", metadata: ["project": "\(project)", "error": "\(error)"])
                await messenger.send(chatID: chatID, text: "The task could not start: the companion's database failed. Check its log.", style: .reply)
            }
        }
        await running.release(project: project)
    }

    private func deliver(_ report: TaskReport, chatID: Int64) async {
        let summary = SummaryRenderer().render(report)
        let finalMessage = report.turn.finalMessage ?? ""
        guard finalMessage.unicodeScalars.count > settings.documentThreshold else {
            await messenger.send(chatID: chatID, text: summary, style: .result)
            return
        }
        // A very long answer: a readable head in the chat, and the whole text as a file.
        var shortened = report
        shortened.turn.finalMessage = String(String.UnicodeScalarView(finalMessage.unicodeScalars.prefix(1500)))
            + "\n… (the full answer is in the attached file)"
        await messenger.send(chatID: chatID, text: SummaryRenderer().render(shortened), style: .result)
        await messenger.sendDocument(chatID: chatID, fileName: "codex-answer-\(report.taskID).md", contents: Data(finalMessage.utf8),
                                     caption: "Codex's full answer (\(report.project.name), task #\(report.taskID))")
    }

    static func acknowledgement(_ note: SessionNote, project: String) -> String {
        switch note {
        case .new:
            return "Running in \(project): new Codex session…"
        case .newBecauseNoneFound:
            return "Running in \(project): no earlier Codex session there, starting a new one…"
        case .continued(let session, let origin):
            let prompt = session.firstPrompt.map { String($0.prefix(60)) }.map { " (\"\($0)\")" } ?? ""
            return "Running in \(project): continuing session \(session.shortID), started \(origin)\(prompt)…"
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
        let all = await running.all
        if all.isEmpty {
            lines.append("Idle: no Codex task is running.")
        } else {
            for entry in all {
                let elapsed = Durations.short(now().timeIntervalSince(entry.startedAt))
                lines.append("Running in \(entry.project) for \(elapsed): \"\(String(entry.prompt.prefix(60)))\"")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func helpText(active: Project?) -> String {
        """
        Codex Remote Companion: drive Codex on your computer from here.

        /project <name>: pick the project (now: \(active?.name ?? "none"))
        /new <prompt>: start a new Codex session
        /continue <prompt>, or just type: continue the project's latest session, even one started in the terminal
        /last: the last task's result
        /status: what is running

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
