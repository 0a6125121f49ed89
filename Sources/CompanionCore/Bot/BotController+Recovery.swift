import Foundation
import Logging
import Synchronization

/// Long prompts split by Telegram, restart recovery and shutdown.
extension BotController {
    // MARK: - Long prompts split by Telegram

    func scheduleFlush(chatID: Int64, generation: Int) {
        let wait = settings.splitPromptWait
        launcher.launch { [weak self] in
            try? await Task.sleep(for: wait)
            await self?.flushPendingPrompt(chatID: chatID, generation: generation)
        }
    }

    /// Runs the joined prompt, unless a newer part arrived since this flush was scheduled.
    func flushPendingPrompt(chatID: Int64, generation: Int? = nil) async {
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
                let project = configuredProject(named: task.project) ?? Project(name: task.project, repoPath: "")
                var delivered = true
                let title = "Task #\(task.id) in \(task.project), which ended while the companion was stopped:"
                for message in LastTaskView().render(task, project: project, now: now(), title: title) {
                    delivered = await messenger.post(chatID: chatID, message: message, silent: false) != nil && delivered
                }
                if delivered { await markDelivered(task.id) }
            }
            for task in try await tasks.queuedTasks() {
                guard let chatID = task.chatID, let project = configuredProject(named: task.project) else {
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

    func markDelivered(_ taskID: Int64) async {
        do {
            try await tasks.markTaskDelivered(id: taskID, at: now())
        } catch {
            logger.error("recording a delivery failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
        }
    }

    static func clip(_ text: String, _ length: Int) -> String {
        PromptPreview.firstLine(text, limit: length)
    }
}
