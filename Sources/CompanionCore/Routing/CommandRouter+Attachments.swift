import Foundation

/// Photos, files and voice notes from a chat: a photo or file with its caption is a prompt (a plain
/// caption continues the session, `/new …` starts one), an album is one prompt with all its photos, a
/// voice note is transcribed and shown back before it runs, and `/file` sends a project file back.
extension CommandRouter {
    func routeAttachments(_ message: IncomingMessage) async -> (command: String, project: String?, outcome: CommandOutcome) {
        if let voice = message.attachments.first(where: { $0.kind == .voice }) {
            return await routeVoice(voice, message: message)
        }
        if let group = message.mediaGroupID {
            guard await albums.offer(message, group: group) else { return ("photo-part", nil, .joined) }
            let albums = self.albums
            // In the chat's lane from its first photo, so what the chat sends next waits for the album.
            _ = lanes.enqueue(message.chatID) { [weak self] in
                let parts = await albums.complete(chatID: message.chatID, group: group)
                guard let self, var first = parts.first else { return }
                // One prompt: every part's files, and the caption wherever the sender put it.
                first.attachments = parts.flatMap(\.attachments)
                first.text = parts.compactMap(\.text).first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                first.mediaGroupID = nil
                await self.handle(first)
            }
            return ("photo", nil, .waitingForParts)
        }
        let active = await activeProject(chatID: message.chatID)
        let outcome = await submitWithFiles(message, active: active)
        return ("photo", active?.name, outcome)
    }

    /// Downloads the message's files and submits its caption with them.
    private func submitWithFiles(_ message: IncomingMessage, active: Project?) async -> CommandOutcome {
        guard let project = active else {
            await reply(message, BotReplies.pickProjectFirst(settings.projects))
            return .refused
        }
        let caption = message.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var mode = TaskMode.continue
        var prompt = caption
        if !caption.isEmpty {
            switch BotCommand.parse(caption, botUsername: botUsername) {
            case .new(let text): (mode, prompt) = (.new, text)
            case .continue(let text), .prompt(let text), .queue(let text): prompt = text
            default:
                await reply(message, BotReplies.captionNotAPrompt)
                return .refused
            }
        }
        let age = clock.now().timeIntervalSince(message.sentAt)
        guard age <= settings.staleAfter else {
            await reply(message, BotReplies.stale(age: age))
            return .stale
        }
        guard let intake else {
            await reply(message, BotReplies.textOnly)
            return .refused
        }
        let label = "\(message.chatID)-\(Int(message.sentAt.timeIntervalSince1970))-\(UUID().uuidString.prefix(6))"
        switch await intake.take(message.attachments, label: label) {
        case .refused(let text):
            await reply(message, text)
            return .refused
        case .ready(let prepared):
            let images = prepared.images.count
            if prompt.isEmpty {
                prompt = images > 0 ? "Look at the attached image\(images == 1 ? "" : "s")." : "Look at the attached file."
            }
            if !prepared.notes.isEmpty {
                prompt +=
                    "\n\nFiles sent from the phone (outside the repository; read them from there):\n"
                    + prepared.notes.joined(separator: "\n")
            }
            return await submit(prompt, mode: mode, command: nil, message: message, active: project, images: prepared.images)
        }
    }

    /// Transcribes a voice note, shows what was heard, and runs it like typed text.
    private func routeVoice(
        _ voice: IncomingAttachment, message: IncomingMessage
    ) async -> (
        command: String, project: String?, outcome: CommandOutcome
    ) {
        guard let transcriber, let intake else {
            await reply(message, BotReplies.voiceOff)
            return ("voice", nil, .refused)
        }
        let active = await activeProject(chatID: message.chatID)
        guard active != nil else {
            await reply(message, BotReplies.pickProjectFirst(settings.projects))
            return ("voice", nil, .refused)
        }
        let label = "\(message.chatID)-voice-\(UUID().uuidString.prefix(6))"
        let path: String
        switch await intake.takeVoice(voice, label: label) {
        case .failure(let refusal):
            await reply(message, refusal.reply)
            return ("voice", active?.name, .refused)
        case .success(let saved):
            path = saved
        }
        let text: String
        do {
            text = try await transcriber.transcribe(fileAt: path).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            logger.error("transcribing a voice note failed", metadata: ["error": "\(error)"])
            await reply(message, BotReplies.transcriptionFailed)
            return ("voice", active?.name, .failed)
        }
        guard !text.isEmpty else {
            await reply(message, BotReplies.heardNothing)
            return ("voice", active?.name, .refused)
        }
        await reply(message, BotReplies.heard(text))
        var typed = message
        typed.attachments = []
        typed.text = text
        let outcome = await submit(text, mode: .continue, command: nil, message: typed, active: active, steerable: true)
        return ("voice", active?.name, outcome)
    }

    /// `/file <path>`: a file of the active project, as a document. Paths are resolved inside the
    /// repository only.
    func sendFile(_ path: String, message: IncomingMessage, active: Project?) async -> CommandOutcome {
        guard let project = active else {
            await reply(message, BotReplies.pickProjectFirst(settings.projects))
            return .refused
        }
        guard !path.isEmpty else {
            await reply(message, BotReplies.fileUsage)
            return .refused
        }
        guard let files else {
            await reply(message, BotReplies.textOnly)
            return .refused
        }
        do {
            let file = try files.readRepositoryFile(path, in: project.repoPath, maxBytes: 50 * 1024 * 1024)
            let sent = await messenger.sendDocument(
                chatID: message.chatID, fileName: (file.relativePath as NSString).lastPathComponent,
                contents: Data(file.contents), caption: "\(file.relativePath) in \(project.name)")
            return sent ? .ok : .failed
        } catch {
            await reply(message, BotReplies.fileNotSent(path, error, project: project))
            return .refused
        }
    }

    /// A tap on "Send the files" under a result: the task's changed files (small ones, inside the
    /// repository, as they are now) as documents, to the chat the task came from.
    func sendChangedFiles(of taskID: Int64, tap: IncomingTap) async -> (project: String?, outcome: CommandOutcome) {
        let task = await storedTask(taskID, for: "its files")
        guard let task, task.chatID == tap.chatID, let chatID = tap.chatID, let files,
            let project = settings.projects.first(where: { $0.name == task.project }),
            let paths = ChangedFilesOffer.paths(of: task.filesChanged, in: project.repoPath)
        else {
            await messenger.answerTap(id: tap.id, text: ApprovalText.expiredTap)
            return (task?.project, .expired)
        }
        await messenger.answerTap(id: tap.id, text: "Sending \(paths.count == 1 ? "the file" : "\(paths.count) files")")
        var sentAll = true
        for path in paths {
            do {
                let file = try files.readRepositoryFile(path, in: project.repoPath, maxBytes: ChangedFilesOffer.maxBytes * 2)
                sentAll =
                    await messenger.sendDocument(
                        chatID: chatID, fileName: (file.relativePath as NSString).lastPathComponent, contents: Data(file.contents),
                        caption: "\(file.relativePath) in \(project.name), as it is now (changed by task #\(taskID))") && sentAll
            } catch {
                sentAll = false
                await messenger.send(chatID: chatID, text: BotReplies.fileNotSent(path, error, project: project), style: .reply)
            }
        }
        return (project.name, sentAll ? .ok : .failed)
    }
}
