import Foundation
import Logging
import Synchronization

/// Codex runs: queueing, the live progress message, and the result card.
extension BotController {
    func startRun(_ prompt: String, mode: TaskMode, command: String?, message: TelegramMessage, active: Project?) async -> String {
        let chatID = message.chat.id
        guard let project = active else {
            await reply(chatID, pickProjectFirst)
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
                                                      prompt: prompt, mode: mode, session: nil, startedAt: now()))
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

    /// The background half of a run: acknowledgement, typing indicator, Codex, result. Codex starts
    /// without waiting for Telegram: the progress message is posted while it launches, and the result
    /// waits only for that message, so the two arrive in order.
    func execute(_ job: TaskQueue.Job, control: RunControl) async {
        let request = job.request
        guard let chatID = request.chatID else { return }
        let messenger = self.messenger
        let project = request.project
        let progress = ProgressBox()
        let interval = settings.progressInterval
        let now = self.now
        let session = await bridge.resolveSession(for: request)
        let state = ProgressState(project: project.name, sessionNote: Self.sessionNote(session), startedAt: now())
        progress.begin(state)
        async let progressMessage: Void = progress.attach(await messenger.post(chatID: chatID, message: state.render(now: now()), silent: false))
        let outcome: Result<TaskReport, Error> = await withTaskGroup(of: Void.self) { group in
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
            defer { group.cancelAll() }
            do {
                return .success(try await bridge.run(request, session: session, queuedTaskID: job.taskID, control: control, onEvent: { event in
                    progress.apply(event, repoPath: project.repoPath)
                }))
            } catch {
                return .failure(error)
            }
        }
        // Codex is done: the project is free before its result goes out.
        await queue.release(job)
        await progressMessage
        switch outcome {
        case .success(let report):
            logger.debug("delivering the result", metadata: ["task": "\(report.taskID)"])
            defer {
                let bridge = self.bridge
                launcher.launch { await bridge.refreshSessions(of: project) }
            }
            // The result first, as a new message so the phone notifies; then the progress message is
            // frozen as a one-line record (its edit may have to wait for the per-chat edit spacing).
            await deliver(report, chatID: chatID)
            if let messageID = progress.messageID {
                let line = "\(ReportText.headline(report.status)) · \(project.name) · \(Durations.short(report.duration)) · \(progress.steps) steps: result below"
                // In the background, so the project's next task does not wait for the edit spacing.
                launcher.launch {
                    await messenger.edit(chatID: chatID, messageID: messageID, message: RenderedMessage(plain: line))
                }
            }
        case .failure(let refusal as BridgeRefusal):
            try? await tasks.endTaskWithoutRun(id: job.taskID, status: .failed, reason: refusal.message, at: now())
            await messenger.send(chatID: chatID, text: refusal.message, style: .reply)
        case .failure(let error):
            logger.error("task could not be recorded", metadata: ["project": "\(project.name)", "error": "\(error)"])
            await messenger.send(chatID: chatID, text: "The task could not start: the companion's database failed. Check its log.", style: .reply)
        }
    }

    func deliver(_ report: TaskReport, chatID: Int64) async {
        let finalMessage = report.turn.finalMessage ?? ""
        var shown = report
        let long = finalMessage.unicodeScalars.count > settings.documentThreshold
        if long {
            // A very long answer: a readable head in the chat, and the whole text as a file.
            shown.turn.finalMessage = String(String.UnicodeScalarView(finalMessage.unicodeScalars.prefix(1500)))
                + "\n\n… (the full answer is in the attached file)"
        }
        // The card goes out at once; git's line counts follow as an edit of the message that lists the files.
        let card = ResultCard().render(shown)
        var messageIDs: [Int64?] = []
        for message in card {
            messageIDs.append(await messenger.post(chatID: chatID, message: message, silent: false))
        }
        if !messageIDs.contains(nil) { await markDelivered(report.taskID) }
        if !report.turn.filesChanged.isEmpty {
            let counts = await inspector.lineCounts(repoPath: report.project.repoPath, paths: report.turn.filesChanged.map(\.path))
            do {
                try await tasks.recordLineCounts(id: report.taskID, counts: counts)
            } catch {
                logger.error("recording line counts failed", metadata: ["task": "\(report.taskID)", "error": "\(error)"])
            }
            let counted = ResultCard().render(shown, lineCounts: counts)
            if counted.count == card.count {
                let messenger = self.messenger
                for (index, message) in counted.enumerated() where message != card[index] {
                    guard let messageID = messageIDs[index] else { continue }
                    // In the background: the edit spacing must not hold up the project's next task.
                    launcher.launch { await messenger.edit(chatID: chatID, messageID: messageID, message: message) }
                }
            }
        }
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
}
