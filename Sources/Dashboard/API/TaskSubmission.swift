import CompanionCore
import Hummingbird

/// A task asked for from the dashboard (the API or the sessions page's form): checked, then submitted
/// to the task service with the dashboard as its requester, like a message from the phone.
enum TaskSubmission {
    enum Outcome: Equatable {
        case started(Int64)
        case queued(Int64, position: Int)
        /// Not submitted or refused: the status and a short message for the client.
        case refused(HTTPResponse.Status, String)
    }

    /// `mode` is `new` or `continue` (the default: continue the project's latest session).
    static func submit(project name: String?, prompt: String?, mode: String?, projects: [Project], tasks: TaskService) async -> Outcome {
        guard let project = projects.first(where: { $0.name == name }) else { return .refused(.badRequest, "unknown project") }
        guard let mode = TaskMode(rawValue: mode.flatMap { $0.isEmpty ? nil : $0 } ?? TaskMode.continue.rawValue) else {
            return .refused(.badRequest, "mode must be new or continue")
        }
        let request = TaskRequest(project: project, prompt: prompt ?? "", mode: mode, requester: .dashboard)
        switch await tasks.submit(request) {
        case .started(let id):
            return .started(id)
        case .queued(let id, let position, _):
            return .queued(id, position: position)
        case .refused(.emptyPrompt):
            return .refused(.badRequest, "the prompt is empty")
        case .refused(.busy):
            return .refused(.conflict, "\(project.name) is busy")
        case .refused(.shuttingDown):
            return .refused(.conflict, "the companion is shutting down")
        case .refused(.storeFailed):
            return .refused(.internalServerError, "the task could not be recorded; the companion's log has the details")
        }
    }
}

extension DashboardApp {
    /// Submits a task from the dashboard and records the command in the audit trail (never the prompt).
    func submitTask(project: String?, prompt: String?, mode: String?) async -> TaskSubmission.Outcome {
        let started = clock.now()
        let outcome = await TaskSubmission.submit(project: project, prompt: prompt, mode: mode, projects: projects, tasks: tasks)
        let recorded: CommandOutcome
        switch outcome {
        case .started: recorded = .started
        case .queued: recorded = .queued
        case .refused(let status, _): recorded = status == .internalServerError ? .failed : .refused
        }
        await auditTrail?.record(
            AuditEntry(
                time: started, requester: .dashboard, command: mode == TaskMode.new.rawValue ? "new" : "continue",
                project: self.project(named: project)?.name, outcome: recorded, duration: clock.now().timeIntervalSince(started)))
        return outcome
    }
}
