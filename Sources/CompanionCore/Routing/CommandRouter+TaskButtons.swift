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

    /// A tap on "Run it in a new session" under a failed task of this chat whose session was busy: the
    /// same message runs again in a new session. Only once per task; any other tap is expired.
    func runInNewSession(_ taskID: Int64, tap: IncomingTap) async -> (project: String?, outcome: CommandOutcome) {
        let task = await storedTask(taskID, for: "running it again")
        guard let task, task.status == .failed, let chatID = tap.chatID, task.chatID == chatID,
            let project = settings.projects.first(where: { $0.name == task.project }), takeRerun(of: taskID)
        else {
            await messenger.answerTap(id: tap.id, text: ApprovalText.expiredTap)
            return (task?.project, .expired)
        }
        let request = TaskRequest(project: project, prompt: task.prompt, mode: .new, requester: .telegram(chatID: chatID))
        switch await service.submit(request) {
        case .started:
            await messenger.answerTap(id: tap.id, text: "Running it in a new session")
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
