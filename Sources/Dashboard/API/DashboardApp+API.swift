import CompanionCore
import Foundation
import Hummingbird

/// The JSON API beside the pages (the CSRF token in `X-CSRF-Token`, checked by `RequestGuard`).
extension DashboardApp {
    func apiState() async throws -> Response {
        let snapshot = await tasks.snapshot()
        let state = try await dashboardState(from: snapshot)
        var running: [APIModels.RunningTask] = []
        var rows: [APIModels.ProjectRow] = []
        for project in state.projects {
            let name = project.project.name
            if let task = project.running {
                running.append(
                    APIModels.RunningTask(
                        id: task.task.id, project: name, prompt: task.task.request.prompt, status: TaskStatus.running.rawValue,
                        requester: task.task.request.requester.kind.rawValue, startedAt: task.startedAt,
                        progress: project.progress?.render(now: clock.now()).plain, elsewhere: false,
                        waitingFor: task.waitingFor.map(\.id.description)))
            } else if let task = project.elsewhere {
                running.append(
                    APIModels.RunningTask(
                        id: task.id, project: name, prompt: task.prompt, status: task.status.rawValue,
                        requester: task.requester.kind.rawValue, startedAt: task.startedAt, progress: nil, elsewhere: true,
                        waitingFor: []))
            }
            rows.append(
                APIModels.ProjectRow(
                    name: name, state: Self.activity(project), queued: project.queued.count,
                    runningTaskID: project.running?.task.id ?? project.elsewhere?.id))
        }
        // One line across projects: 1 is next.
        let queued = snapshot.queued.enumerated().map { index, task in
            APIModels.QueuedTask(
                id: task.id, project: task.request.project.name, prompt: task.request.prompt, status: TaskStatus.queued.rawValue,
                requester: task.request.requester.kind.rawValue, position: index + 1)
        }
        return Responses.json(
            APIModels.State(
                projects: rows, running: running, queued: queued, recent: state.recent.map(APIModels.TaskRow.init),
                pendingApprovals: state.pending.map(\.id.description)))
    }

    func apiTask(_ context: DashboardContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self), let task = try await tasks.task(id: id) else {
            return Responses.jsonError("no such task", status: .notFound)
        }
        let progress = await board.progress(of: task.id)
        return Responses.json(
            APIModels.TaskDetail(
                task: APIModels.TaskRow(task), threadID: task.threadID, answer: task.finalMessage, failureReason: task.failureReason,
                files: task.filesChanged.map(\.path),
                commands: task.commands.map { APIModels.Command(command: $0.command, exitCode: $0.exitCode, status: $0.status.rawValue) },
                progress: task.status == .running ? progress?.render(now: clock.now()).plain : nil))
    }

    func apiSubmit(_ request: Request, context: DashboardContext) async -> Response {
        let body: APIModels.SubmitBody
        do {
            body = try await decode(request, context: context)
        } catch {
            return Responses.jsonError(
                "the body must be JSON: {\"project\", \"prompt\", \"mode\": \"new\" or \"continue\"}", status: .badRequest)
        }
        switch await submitTask(project: body.project, prompt: body.prompt, mode: body.mode) {
        case .started(let id):
            return Responses.json(APIModels.Submitted(taskID: id, state: "started"), status: .created)
        case .queued(let id, let position):
            return Responses.json(APIModels.Submitted(taskID: id, state: "queued", position: position), status: .accepted)
        case .refused(let status, let message):
            return Responses.jsonError(message, status: status)
        }
    }

    func apiAnswer(_ request: Request, context: DashboardContext) async -> Response {
        let body: APIModels.AnswerBody
        do {
            body = try await decode(request, context: context)
        } catch {
            return Responses.jsonError("the body must be JSON: {\"decision\": …}", status: .badRequest)
        }
        switch await ApprovalAnswer.answer(id: context.parameters.get("id"), decision: body.decision, tasks: tasks) {
        case .answered(let pending, let decision):
            return Responses.json(
                APIModels.Answered(approvalID: pending.id.description, taskID: pending.id.taskID, decision: decision.rawValue))
        case .expired:
            return Responses.jsonError("expired", status: .conflict)
        case .invalid(let message):
            return Responses.jsonError(message, status: .badRequest)
        }
    }

    /// idle, running, waiting (for an approval) or queued.
    static func activity(_ project: DashboardState.ProjectState) -> String {
        if let running = project.running { return running.waitingFor.isEmpty ? "running" : "waiting" }
        if project.elsewhere != nil { return "running" }
        return project.queued.isEmpty ? "idle" : "queued"
    }

    private func decode<Body: Decodable>(_ request: Request, context: DashboardContext) async throws -> Body {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
    }
}
