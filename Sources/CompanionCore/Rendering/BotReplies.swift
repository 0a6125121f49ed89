import Foundation

/// Every short reply the chat router sends, in one place: help, project choice, status, queue and cancel
/// notices, refusals and errors. Texts are plain (``` fences allowed); the messenger renders them.
public enum BotReplies {
    public static let privateBot = "Sorry, this is a private bot."
    public static let textOnly = "I can only read text. Send your request as a text message."
    public static let editsNotRun = "Edited messages are not run again. Send a new message instead."
    public static let badCancelScope = "Use /cancel (the running task), /cancel queued (waiting tasks) or /cancel all."
    public static let saveFailed = "I could not save that choice (database error). Please try again."
    public static let lastFailed = "I could not read the last task (database error)."

    public static func unknownCommand(_ name: String) -> String {
        "Unknown command \(name). Send /help for the list."
    }

    public static func pickProjectFirst(_ projects: [Project]) -> String {
        "Pick a project first: /project <name>. Projects: \(names(projects))."
    }

    public static func unknownProject(_ name: String, projects: [Project]) -> String {
        "Unknown project \"\(name)\". Projects: \(names(projects))."
    }

    public static func projectSelected(_ project: Project) -> String {
        var text = "Active project: \(project.name)."
        if let notes = project.notes { text += "\n\(notes)" }
        return text + "\nType a message to continue its latest Codex session, or /new <prompt> to start a new one."
    }

    public static func projectList(_ projects: [Project], active: Project?) -> String {
        guard !projects.isEmpty else { return "No projects are configured." }
        let lines = projects.map { project in
            project.name == active?.name ? "• \(project.name) (active)" : "• \(project.name)"
        }
        return "Projects:\n" + lines.joined(separator: "\n") + "\n\nPick one with /project <name>."
    }

    public static func help(active: Project?, projects: [Project]) -> String {
        """
        Codex Remote Companion: drive Codex on your computer from here.
        Active project: \(active?.name ?? "none yet, pick one with /project <name>")

        /project: list the projects
        /project <name>: pick the project for this chat
        /new <prompt>: start a new Codex session
        /continue <prompt>: continue the project's latest session, even one started in the terminal
        Plain text: the same as /continue; while a task runs (app-server engine), it is added to that task
        /queue <prompt>: run after the current task instead of adding to it
        A photo, a file or a voice note (with a caption as the prompt): sent to Codex with it
        /file <path>: a file of the project, sent here
        /last: the last task: what was asked, how it ended, its result
        /diff: the project's uncommitted changes as a .patch file
        /status: what is running and queued, here and at the terminal
        /notify desk on|off: hear of turns at the terminal (results, approvals); on by default
        /cancel: stop the running task (the session is kept)
        /cancel queued: drop your queued tasks
        /cancel all: stop the running task and drop the queued ones
        /help: this list
        /start: this list

        Projects: \(names(projects))
        """
    }

    /// `/notify`'s answer: the setting as it is now.
    public static func notices(deskOn: Bool, changed: Bool) -> String {
        let state =
            deskOn
            ? "Desk notices are on: when a turn started at the terminal ends in this chat's project, its result comes here, and its approval requests do too when nobody answers them at the terminal first."
            : "Desk notices are off: turns started at the terminal are not reported here."
        return (changed ? "Saved. " : "") + state + (deskOn ? " Turn off with /notify desk off." : " Turn on with /notify desk on.")
    }

    public static let badNotify = "Use /notify to see the setting, or /notify desk on, /notify desk off."

    public static func emptyPrompt(command: String?) -> String {
        "Say what Codex should do: \(command ?? "/continue") <prompt>."
    }

    public static func stale(age: TimeInterval) -> String {
        "This message is \(Durations.short(age)) old, so I did not run it. Send it again if you still want it."
    }

    // MARK: - Files, photos and voice

    public static func fileTooBig(name: String, bytes: Int?, limit: Int) -> String {
        let size = bytes.map { " (\(AttachmentIntake.sizeText($0)))" } ?? ""
        return
            "\(name)\(size) is too big: the limit is \(AttachmentIntake.sizeText(limit)). Send a smaller file, or put it in the repository."
    }

    public static let fileNotSaved = "I could not save the file (the state directory is not writable). Check the companion's log."

    public static func fileNotDownloaded(_ name: String) -> String {
        "I could not download \(name) from Telegram. Please send it again."
    }

    public static func fileRefused(_ name: String, because reason: String) -> String {
        "Not run: \(name) cannot go to Codex, \(reason)."
    }

    public static let captionNotAPrompt =
        "With a photo or file, the caption is the prompt: plain text continues the session, /new <prompt> starts a new one."
    public static let unsupportedContent = "I can read text, photos, files and voice notes, not this. Send your request as text."

    public static let voiceOff = """
        Voice notes need a transcription service: add "transcription": {"base_url": "https://api.openai.com/v1", "model": "whisper-1", "api_key_env": "OPENAI_API_KEY"} to the config and restart. Until then, please type.
        """

    public static func heard(_ text: String) -> String {
        "🎙 heard: \(text)"
    }

    public static let heardNothing = "🎙 I could not make out any words in that voice note. Please try again or type."
    public static let transcriptionFailed = "🎙 The transcription service failed, so nothing ran. Please try again or type."

    /// Telegram keeps answering getUpdates with 409: another program polls with this bot's token.
    public static let pollingConflict = """
        ⚠️ Another program is reading this bot's messages (Telegram answers "409 Conflict"): is a second codex-companion \
        running with the same bot token? Messages may reach it instead of me. Stop the other one; I keep trying, slowly.
        """

    public static let fileUsage = "Say which file: /file <path inside the project>, for example /file src/main.swift."

    public static func fileNotSent(_ path: String, _ error: RepositoryFileError, project: Project) -> String {
        switch error {
        case .outsideRepository: "Not sent: \(path) is outside \(project.name). /file takes a path inside the project."
        case .notFound: "There is no file \(path) in \(project.name)."
        case .isDirectory: "\(path) is a folder. /file sends one file."
        case .notPlainFile: "Not sent: \(path) is not a plain file of \(project.name) (a hard link, a pipe or a device)."
        case .tooBig(let bytes): "\(path) is too big to send (\(AttachmentIntake.sizeText(bytes)); the limit is 50 MB)."
        case .unreadable: "I could not read \(path)."
        }
    }

    public static func steered(_ task: QueuedTask) -> String {
        "➕ Added to the running task #\(task.id) in \(task.request.project.name): Codex reads it after its current step. (/queue <prompt> runs a message as a task of its own instead.)"
    }

    public static func queued(position: Int, behind blocker: Blocker) -> String {
        "Queued (#\(position) in line): \(waitReason(blocker)). It starts by itself; /cancel queued drops it."
    }

    public static func refused(_ refusal: SubmitRefusal) -> String {
        switch refusal {
        case .emptyPrompt: "The prompt is empty: say what Codex should do."
        case .busy(let blocker): "Not run: \(waitReason(blocker))."
        case .shuttingDown: "The companion is shutting down, so this did not run. Send it again in a moment."
        case .storeFailed: "I could not record the task (database error), so it did not run. Please try again."
        }
    }

    /// Why a task cannot start now.
    public static func waitReason(_ blocker: Blocker) -> String {
        switch blocker {
        case .sameProject(let task):
            "\(task.request.project.name) is busy with \"\(PromptPreview.firstLine(task.request.prompt, limit: 40))\""
        case .otherProcess(let task):
            "\(task.project) is busy with \"\(PromptPreview.firstLine(task.prompt, limit: 40))\" (\(requesterWords(task.requester)))"
        case .allSlots:
            "all slots are busy"
        }
    }

    public static func notRun(_ task: QueuedTask, reason: NotRunReason) -> String? {
        switch reason {
        case .storeFailed:
            "The task could not start: the companion's database failed. Check its log."
        case .stopped(.projectRemoved):
            "Task #\(task.id) was not run: project \(task.request.project.name) is no longer configured."
        case .stopped:
            // Cancelled or refused: the requester was told when it asked.
            nil
        }
    }

    public static func cancelled(_ answer: CancelAnswer, scope: CancelScope) -> String {
        var lines: [String] = []
        if scope.includesRunning {
            if let task = answer.stopping {
                lines.append(
                    "Stopping the task in \(task.request.project.name): \"\(PromptPreview.firstLine(task.request.prompt, limit: 40))\"…")
            } else if answer.ambiguous {
                lines.append("Tasks run in several projects: select one with /project <name>, then /cancel.")
            } else {
                lines.append("Nothing is running.")
            }
        }
        if scope.includesQueued {
            let count = answer.dropped.count
            lines.append(count == 0 ? "No queued tasks." : "Dropped \(count) queued task\(count == 1 ? "" : "s").")
        } else if answer.stillQueued > 0 {
            let count = answer.stillQueued
            lines.append("\(count) queued task\(count == 1 ? "" : "s") will still run (/cancel queued drops them).")
        }
        return lines.joined(separator: "\n")
    }

    /// `codexWay`: which way turns run now (through Codex's daemon, or a Codex per turn).
    public static func status(_ snapshot: TaskSnapshot, active: Project?, now: Date, codexWay: String? = nil) -> String {
        var lines = ["Project: \(active?.name ?? "none (pick one with /project <name>)")"]
        if let codexWay { lines.append("Codex: \(codexWay)") }
        if snapshot.isIdle { lines.append("Idle: no Codex task is running.") }
        for entry in snapshot.running {
            let elapsed = Durations.short(now.timeIntervalSince(entry.startedAt))
            lines.append(
                "Running in \(entry.task.request.project.name) for \(elapsed): \"\(PromptPreview.firstLine(entry.task.request.prompt, limit: 60))\""
            )
            for pending in entry.waitingFor { lines.append(ApprovalText.statusLine(pending, now: now)) }
        }
        for turn in snapshot.atTheDesk {
            let elapsed = Durations.short(now.timeIntervalSince(turn.progress.startedAt))
            let doing = turn.progress.doing.map { ": \($0)" } ?? ""
            lines.append("🖥 At the terminal in \(turn.project.name) for \(elapsed)\(doing)")
            for pending in turn.waitingFor { lines.append(ApprovalText.statusLine(pending, now: now)) }
        }
        switch snapshot.deskWatch {
        case .off: break
        case .daemon: lines.append("Terminal: followed through Codex's daemon (its results and approval requests come here).")
        case .sessionFiles:
            lines.append(
                "Terminal: results of its turns come here; its approval requests need Codex's daemon (Codex 0.151 or later, started by the terminal UI)."
            )
        }
        for task in snapshot.elsewhere {
            let elapsed = Durations.short(now.timeIntervalSince(task.startedAt))
            lines.append(
                "Running in \(task.project) for \(elapsed) (\(requesterWords(task.requester))): \"\(PromptPreview.firstLine(task.prompt, limit: 60))\""
            )
        }
        for (index, task) in snapshot.queued.enumerated() {
            lines.append(
                "Queued #\(index + 1) in \(task.request.project.name): \"\(PromptPreview.firstLine(task.request.prompt, limit: 60))\"")
        }
        return lines.joined(separator: "\n")
    }

    public static func noChanges(_ project: Project) -> String {
        "No uncommitted changes in \(project.name)."
    }

    public static func changes(_ changes: RepositoryChanges, project: Project) -> String {
        let stat = changes.diffstat.count > 3000 ? String(changes.diffstat.prefix(3000)) + "\n…" : changes.diffstat
        let files = "\(changes.fileCount) file\(changes.fileCount == 1 ? "" : "s")"
        return "Uncommitted changes in \(project.name) (\(files)):\n```\n\(stat)\n```"
    }

    public static func diffFailed(_ project: Project, error: Error) -> String {
        "I could not read the changes of \(project.name): \(error)"
    }

    public static func noTaskYet(_ project: Project) -> String {
        "No task has run in \(project.name) yet."
    }

    /// Who runs a task started by another companion process.
    static func requesterWords(_ requester: Requester) -> String {
        switch requester {
        case .cli: "started from the terminal"
        case .telegram: "started from Telegram"
        case .dashboard: "started from the dashboard"
        case .desk: "running at the terminal"
        }
    }

    private static func names(_ projects: [Project]) -> String {
        projects.isEmpty ? "none configured" : projects.map(\.name).joined(separator: ", ")
    }
}
