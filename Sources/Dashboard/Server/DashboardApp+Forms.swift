import CompanionCore
import Hummingbird

/// The pages' forms (fields already read, and the CSRF token checked, by `RequestGuard`).
extension DashboardApp {
    /// `POST /tasks` (`project`, `prompt`, `mode`): to the new task's page.
    func submitForm(_ context: DashboardContext) async -> Response {
        let form = context.form
        switch await submitTask(project: form["project"], prompt: form["prompt"], mode: form["mode"]) {
        case .started(let id), .queued(let id, _):
            return Responses.seeOther("/tasks/\(id)")
        case .refused(let status, let message):
            return Responses.text(message, status: status)
        }
    }

    /// `POST /approvals/<id>` (`decision`): back to the page the form was on.
    func answerForm(_ request: Request, context: DashboardContext) async -> Response {
        switch await ApprovalAnswer.answer(id: context.parameters.get("id"), decision: context.form["decision"], tasks: tasks) {
        case .answered:
            return Responses.seeOther(backPath(request) ?? "/approvals")
        case .expired:
            return Responses.text("This request has expired: it was answered already, or its turn is over.", status: .conflict)
        case .invalid(let message):
            return Responses.text(message, status: .badRequest)
        }
    }

    /// The path of the page a form was on, when the browser said so and it is this dashboard's.
    private func backPath(_ request: Request) -> String? {
        guard let referer = request.headers[.referer] else { return nil }
        let address = DashboardAddress(host: settings.host, port: port.value)
        for origin in address.origins where referer.lowercased().hasPrefix(origin + "/") {
            let path = String(referer.dropFirst(origin.count))
            return path.hasPrefix("//") || path.hasPrefix("/\\") ? nil : path
        }
        return nil
    }
}
