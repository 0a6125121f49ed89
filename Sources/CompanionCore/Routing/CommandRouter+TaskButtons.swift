import Foundation

extension CommandRouter {
    /// The task a button names; nil (logged) when the store cannot be read.
    func storedTask(_ taskID: Int64, for purpose: String) async -> StoredTask? {
        do {
            return try await service.task(id: taskID)
        } catch {
            logger.error("reading a task failed", metadata: ["task": "\(taskID)", "for": "\(purpose)", "error": "\(error)"])
            return nil
        }
    }

    /// A tap under a failed task of this chat whose session was busy: the same message runs again when
    /// the session is free, in a fork of it, or in a new session. Only once per task; any other tap is
    /// expired.
    func runAgain(
        _ taskID: Int64, _ choice: BusySessionOffer.Choice, tap: IncomingTap
    ) async -> (project: String?, outcome: CommandOutcome) {
        let task = await storedTask(taskID, for: "running it again")
        guard let task, task.status == .failed, let chatID = tap.chatID, task.chatID == chatID,
            let project = settings.projects.first(where: { $0.name == task.project }),
            choice != .fork || task.threadID != nil, takeRerun(of: taskID)
        else {
            await messenger.answerTap(id: tap.id, text: ApprovalText.expiredTap)
            return (task?.project, .expired)
        }
        let requester = Requester.telegram(chatID: chatID)
        let request: TaskRequest
        let starting: String
        switch choice {
        case .wait:
            request = TaskRequest(
                project: project, prompt: task.prompt, mode: .continue, requester: requester, continuing: task.threadID,
                waitsForBusySession: true)
            starting = "It runs as soon as the session is free"
        case .fork:
            request = TaskRequest(project: project, prompt: task.prompt, mode: .new, requester: requester, forkOf: task.threadID)
            starting = "Running it in a fork of the session"
        case .new:
            request = TaskRequest(project: project, prompt: task.prompt, mode: .new, requester: requester)
            starting = "Running it in a new session"
        }
        switch await service.submit(request) {
        case .started:
            await messenger.answerTap(id: tap.id, text: starting)
            return (project.name, .started)
        case .queued(_, let position, let blocker):
            await messenger.answerTap(id: tap.id, text: "Queued")
            await messenger.send(chatID: chatID, text: BotReplies.queued(position: position, behind: blocker), style: .reply)
            return (project.name, .queued)
        case .refused(let refusal):
            await messenger.answerTap(id: tap.id, text: "Not run")
            await messenger.send(chatID: chatID, text: BotReplies.refused(refusal), style: .reply)
            return (project.name, refusal == .storeFailed ? .failed : .refused)
        }
    }
}
