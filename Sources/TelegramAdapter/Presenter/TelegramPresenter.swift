import CompanionCore
import Foundation
import Logging

/// Shows tasks in Telegram, as a subscriber of the task service's events: for each task from a chat it
/// posts the live progress message (and keeps "typing…" up), edits it through the one edit throttle,
/// sends the result card as a new message (so the phone notifies), adds git's line counts, and freezes
/// the progress message to a one-line record. It also re-delivers results a restart found undelivered.
public struct TelegramPresenter: Sendable {
    public struct Settings: Sendable {
        /// How often the live progress message may be edited.
        public var progressInterval: Duration
        /// How often "typing…" is renewed (Telegram shows it for about 5 s).
        public var typingInterval: Duration
        /// Answers longer than this (code points) also arrive as a document.
        public var documentThreshold: Int

        public init(
            progressInterval: Duration = .milliseconds(1500), typingInterval: Duration = .seconds(4),
            documentThreshold: Int = 10_000
        ) {
            self.progressInterval = progressInterval
            self.typingInterval = typingInterval
            self.documentThreshold = documentThreshold
        }
    }

    private let settings: Settings
    private let messenger: any ChatMessaging
    private let delivery: any TaskDelivering
    private let inspector: any RepositoryInspecting
    private let clock: any TaskClock
    private let throttle: EditThrottle
    private let approvalMessages: ApprovalMessageBook
    /// To see whether changed files are small enough to offer; nil: never offered.
    private let files: (any AttachmentFiles)?
    private let logger: Logger

    public init(
        settings: Settings = Settings(), messenger: any ChatMessaging, delivery: any TaskDelivering,
        inspector: any RepositoryInspecting, clock: any TaskClock = SystemClock(),
        approvalMessages: ApprovalMessageBook = ApprovalMessageBook(), files: (any AttachmentFiles)? = nil,
        logger: Logger = Logger(label: "companion.telegram.present")
    ) {
        self.files = files
        self.approvalMessages = approvalMessages
        self.settings = settings
        self.messenger = messenger
        self.delivery = delivery
        self.inspector = inspector
        self.clock = clock
        self.logger = logger
        throttle = EditThrottle(messenger: messenger, clock: clock, interval: settings.progressInterval)
    }

    /// Presents events until the stream ends, then waits for every delivery under way.
    public func run(_ events: AsyncStream<TaskEvent>) async {
        await withDiscardingTaskGroup { group in
            var live: [Int64: LiveProgress] = [:]
            var prompts: [ApprovalID: ApprovalPrompt] = [:]
            for await event in events {
                switch event {
                case .started(let task):
                    guard task.request.requester.chatID != nil else { continue }
                    let progress = LiveProgress(task: task)
                    live[task.id] = progress
                    group.addTask { await follow(progress) }
                case .progressed(let taskID, let codexEvent):
                    live[taskID]?.apply(codexEvent)
                case .waitingForSession(let taskID):
                    live[taskID]?.waitForSession()
                case .deskTurnEnded(let report, let chats):
                    // The same card as for the phone's turns; no task of ours, so nothing to mark or offer.
                    let card = ResultCard().render(report)
                    for chatID in chats {
                        group.addTask { for message in card { _ = await messenger.post(chatID: chatID, message: message, silent: false) } }
                    }
                case .finished(let report):
                    live.removeValue(forKey: report.taskID)?.end(.finished(report))
                case .notRun(let task, let reason):
                    guard let chatID = task.request.requester.chatID, let text = BotReplies.notRun(task, reason: reason) else { continue }
                    group.addTask { await messenger.send(chatID: chatID, text: text, style: .reply) }
                case .queued:
                    // The requester was told when it asked.
                    break
                case .approvalRequested(let pending):
                    guard !pending.chats.isEmpty else { continue }
                    let prompt = ApprovalPrompt(pending: pending)
                    prompts[pending.id] = prompt
                    if !pending.isFromTheDesk { live[pending.id.taskID]?.setWaiting(ApprovalText.waiting(pending)) }
                    for chatID in pending.chats { group.addTask { await showApproval(prompt, in: chatID) } }
                case .approvalResolved(let pending, let outcome):
                    prompts.removeValue(forKey: pending.id)?.conclude(outcome)
                    guard !pending.isFromTheDesk else { continue }
                    let stillWaiting = prompts.values.first { $0.pending.id.taskID == pending.id.taskID && !$0.pending.isFromTheDesk }
                    live[pending.id.taskID]?.setWaiting(stillWaiting.map { ApprovalText.waiting($0.pending) })
                }
            }
            for progress in live.values { progress.end(.abandoned) }
            for prompt in prompts.values { prompt.abandon() }
        }
    }

    /// Sends results that ended while the companion was stopped, each with a title that says so.
    public func redeliver(_ tasks: [StoredTask], projects: [Project]) async {
        for task in tasks {
            guard let chatID = task.chatID else { continue }
            let project = projects.first { $0.name == task.project } ?? Project(name: task.project, repoPath: "")
            var delivered = true
            for message in LastTaskView().render(task, project: project, now: clock.now(), title: LastTaskView.redeliveryTitle(task)) {
                delivered = await messenger.post(chatID: chatID, message: message, silent: false) != nil && delivered
            }
            if delivered { await delivery.markDelivered(task.id) }
        }
    }

    /// Makes final the progress messages of tasks that ended while no presenter followed them (the
    /// companion died or stopped before the last edit), so no chat shows "⏳" for a task that is not
    /// running. A message that cannot be edited now stays recorded for the next start.
    public func finishProgressMessages(_ tasks: [StoredTask]) async {
        for task in tasks {
            guard let chatID = task.chatID, let messageID = task.progressMessageID else { continue }
            if await throttle.edit(chatID: chatID, messageID: messageID, message: ProgressState.frozen(task)) {
                await delivery.noteProgressMessage(nil, of: task.id)
            } else {
                logger.warning("an unfinished progress message could not be edited", metadata: ["task": "\(task.id)"])
            }
        }
    }

    /// A few small changed files: a button under a short message sends them as documents.
    private func offerChangedFiles(_ report: TaskReport, chatID: Int64) async {
        let repo = report.project.repoPath
        guard let files, let paths = ChangedFilesOffer.paths(of: report.turn.filesChanged, in: repo) else { return }
        let small = paths.allSatisfy { (try? files.readRepositoryFile($0, in: repo, maxBytes: ChangedFilesOffer.maxBytes)) != nil }
        guard small else { return }
        _ = await messenger.post(
            chatID: chatID, message: ChangedFilesOffer.message(paths), silent: true,
            buttons: ChangedFilesOffer.buttons(taskID: report.taskID, count: paths.count), replyTo: nil)
    }

    // MARK: - Approvals

    /// Posts the request as a new message (so the phone rings) with its decision buttons, then, once it is
    /// decided or expired, edits it to say what happened (which removes the buttons). A timeout is also
    /// told in a new message: nobody was looking.
    private func showApproval(_ prompt: ApprovalPrompt, in chatID: Int64) async {
        let pending = prompt.pending
        // What the message cannot show whole goes first, so it is there before any button can be tapped.
        // If it cannot be sent, the request is offered to deny only: nobody approves what they were not shown.
        var message = ApprovalText.request(pending)
        var shownWhole = true
        if let attachment = ApprovalText.attachment(pending) {
            shownWhole = await messenger.sendDocument(
                chatID: chatID, fileName: attachment.fileName, contents: Data(attachment.contents.utf8),
                caption: "\(attachment.title) of the request below (\(ApprovalText.whose(pending)))")
            if !shownWhole { message = ApprovalText.withoutAttachment(message) }
        }
        let messageID = await messenger.post(
            chatID: chatID, message: message, silent: false,
            buttons: ApprovalButton.rows(for: pending, approving: shownWhole), replyTo: nil)
        if let messageID { approvalMessages.note(pending.id, chatID: chatID, messageID: messageID) }
        defer { approvalMessages.forget(pending.id, chatID: chatID) }
        guard let outcome = await prompt.waitForOutcome(), let messageID else { return }
        // Straight to the messenger, not through the progress throttle: the user is looking at this one.
        await messenger.edit(chatID: chatID, messageID: messageID, message: ApprovalText.concluded(pending, outcome))
        if case .decided(_, .timeout, _) = outcome {
            _ = await messenger.post(
                chatID: chatID, message: RenderedMessage(plain: ApprovalText.timedOutNotice(pending)), silent: false,
                buttons: [], replyTo: messageID)
        }
    }

    // MARK: - One task

    /// The life of one task's messages: progress while it runs, then the result.
    private func follow(_ progress: LiveProgress) async {
        let task = progress.task
        guard let chatID = task.request.requester.chatID else { return }
        // Codex is already starting: the progress message goes out meanwhile.
        let messageID = await messenger.post(chatID: chatID, message: progress.state.render(now: clock.now()), silent: false)
        // Recorded until it is final: if the companion dies first, the restart finishes it.
        if let messageID { await delivery.noteProgressMessage(messageID, of: task.id) }
        let ending = await withTaskGroup(of: Void.self) { group -> LiveProgress.Ending in
            group.addTask { await keepTyping(chatID: chatID) }
            if let messageID {
                group.addTask { await keepEditing(progress, chatID: chatID, messageID: messageID) }
            }
            let ending = await progress.waitForEnd()
            group.cancelAll()
            return ending
        }
        guard case .finished(let report) = ending else { return }
        logger.debug("delivering the result", metadata: ["task": "\(report.taskID)"])
        // The result first, as a new message so the phone notifies; then the progress message is frozen.
        await deliver(report, chatID: chatID)
        if let messageID,
            await throttle.edit(chatID: chatID, messageID: messageID, message: ProgressState.frozen(report, steps: progress.steps))
        {
            await delivery.noteProgressMessage(nil, of: report.taskID)
        }
    }

    private func keepTyping(chatID: Int64) async {
        while !Task.isCancelled {
            await messenger.sendTyping(chatID: chatID)
            do {
                try await clock.sleep(for: settings.typingInterval)
            } catch {
                return
            }
        }
    }

    /// Edits the progress message with the newest state, at most once per interval and only when it changed.
    private func keepEditing(_ progress: LiveProgress, chatID: Int64, messageID: Int64) async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: settings.progressInterval)
            } catch {
                return
            }
            guard let state = progress.takeChanged() else { continue }
            if await !throttle.edit(chatID: chatID, messageID: messageID, message: state.render(now: clock.now())) {
                progress.markChanged()  // not shown (rate limited or superseded): the newest state goes next time
            }
        }
    }

    /// The result card; git's line counts follow as an edit of the message that lists the files.
    private func deliver(_ report: TaskReport, chatID: Int64) async {
        let answer = report.turn.finalMessage ?? ""
        var shown = report
        let long = answer.unicodeScalars.count > settings.documentThreshold
        if long {
            // A very long answer: a readable head in the chat, and the whole text as a file.
            shown.turn.finalMessage =
                String(String.UnicodeScalarView(answer.unicodeScalars.prefix(1500)))
                + "\n\n… (the full answer is in the attached file)"
        }
        let card = ResultCard().render(shown)
        var messageIDs: [Int64?] = []
        for message in card {
            messageIDs.append(await messenger.post(chatID: chatID, message: message, silent: false))
        }
        if !messageIDs.contains(nil) { await delivery.markDelivered(report.taskID) }
        if long {
            await messenger.sendDocument(
                chatID: chatID, fileName: "codex-answer-\(report.taskID).md", contents: Data(answer.utf8),
                caption: "Codex's full answer (\(report.project.name), task #\(report.taskID))")
        }
        if BusySessionOffer.applies(to: report) {
            _ = await messenger.post(
                chatID: chatID, message: BusySessionOffer.message(report), silent: true,
                buttons: BusySessionOffer.buttons(taskID: report.taskID), replyTo: nil)
        }
        guard !report.turn.filesChanged.isEmpty else { return }
        await offerChangedFiles(report, chatID: chatID)
        let counts = await inspector.lineCounts(repoPath: report.project.repoPath, paths: report.turn.filesChanged.map(\.path))
        await delivery.recordLineCounts(counts, of: report.taskID)
        let counted = ResultCard().render(shown, lineCounts: counts)
        guard counted.count == card.count else { return }
        for (index, message) in counted.enumerated() where message != card[index] {
            guard let messageID = messageIDs[index] else { continue }
            _ = await throttle.edit(chatID: chatID, messageID: messageID, message: message)
        }
    }
}
