import Foundation
import Logging
import Synchronization

/// The quick commands: answered at once, without running Codex.
extension BotController {
    // MARK: - Commands

    func selectProject(_ name: String?, chatID: Int64, active: Project?) async -> String {
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
            activeProjectNames[chatID] = .some(project.name)
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

    func showDiff(chatID: Int64, active: Project?) async -> String {
        guard let project = active else {
            await reply(chatID, pickProjectFirst)
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

    func showLast(chatID: Int64, active: Project?) async -> String {
        guard let project = active else {
            await reply(chatID, pickProjectFirst)
            return "refused"
        }
        do {
            guard let task = try await tasks.lastTask(project: project.name) else {
                await reply(chatID, "No task has run in \(project.name) yet.")
                return "ok"
            }
            for message in LastTaskView().render(task, project: project, now: now()) {
                await messenger.post(chatID: chatID, message: message, silent: true)
            }
            return "ok"
        } catch {
            logger.error("reading the last task failed", metadata: ["error": "\(error)"])
            await reply(chatID, "I could not read the last task (database error).")
            return "failed"
        }
    }

    func statusText(active: Project?) async -> String {
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

    func cancel(scope: String?, chatID: Int64, active: Project?) async -> String {
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

    func helpText(active: Project?) -> String {
        """
        Codex Remote Companion: drive Codex on your computer from here.
        Active project: \(active?.name ?? "none yet, pick one with /project <name>")

        /project: list the projects
        /project <name>: pick the project for this chat
        /new <prompt>: start a new Codex session
        /continue <prompt>: continue the project's latest session, even one started in the terminal
        Plain text: the same as /continue
        /last: the last task: what was asked, how it ended, its result
        /diff: the project's uncommitted changes as a .patch file
        /status: what is running and queued
        /cancel: stop the running task (the session is kept)
        /cancel queued: drop your queued tasks
        /cancel all: stop the running task and drop the queued ones
        /help: this list
        /start: this list

        Projects: \(projectNames)
        """
    }

    func projectList(active: Project?) -> String {
        guard !settings.projects.isEmpty else { return "No projects are configured." }
        let lines = settings.projects.map { project in
            project.name == active?.name ? "• \(project.name) (active)" : "• \(project.name)"
        }
        return "Projects:\n" + lines.joined(separator: "\n") + "\n\nPick one with /project <name>."
    }
}
