import CompanionCore
import Foundation
import Hummingbird
import Logging

/// The dashboard's parts and its routes: what `DashboardService` serves. Pages come from
/// `DashboardPages`, data from the task service and the ports; every route is behind `RequestGuard`.
struct DashboardApp: Sendable {
    var settings: DashboardService.Settings
    var tasks: TaskService
    var projects: [Project]
    var store: any TaskStoring
    var audit: any AuditReading
    /// Where the dashboard's own commands (tasks asked for, logins) are recorded.
    var auditTrail: (any AuditRecording)?
    var codexSessions: any SessionLocating
    var inspector: any RepositoryInspecting
    var loginCodes: any LoginCodeStoring
    var clock: any TaskClock
    var board: LiveBoard
    var sessions: SessionBook
    var pages: DashboardPages
    var port: ListeningPort
    var logger: Logger

    func router() -> Router<DashboardContext> {
        let router = Router(context: DashboardContext.self)
        router.add(middleware: RequestGuard(host: settings.host, port: port, sessions: sessions, pages: pages, logger: logger))
        router.get("/login") { request, context in await login(request, context: context) }
        // Pages.
        router.get("/") { _, context in try await overview(context) }
        router.get("/tasks/:id") { _, context in try await taskPage(context) }
        router.get("/projects/:name/sessions") { _, context in try await sessionsPage(context) }
        router.get("/projects/:name/diff") { _, context in try await diff(context) }
        router.get("/approvals") { _, context in await approvalsPage(context) }
        router.get("/audit") { request, context in try await auditPage(request, context: context) }
        router.get("/events") { request, context in await events(request, context: context) }
        // Forms.
        router.post("/tasks") { _, context in await submitForm(context) }
        router.post("/approvals/:id") { request, context in await answerForm(request, context: context) }
        router.post("/logout") { _, context in await logout(context) }
        // The JSON API.
        router.get("/api/state") { _, _ in try await apiState() }
        router.get("/api/tasks/:id") { _, context in try await apiTask(context) }
        router.post("/api/tasks") { request, context in await apiSubmit(request, context: context) }
        router.post("/api/approvals/:id") { request, context in await apiAnswer(request, context: context) }
        return router
    }

    /// The project a URL names, among the configured ones.
    func project(named name: String?) -> Project? {
        projects.first { $0.name == name }
    }

    /// The session the guard found (every route but `/login` has one).
    func csrf(_ context: DashboardContext) -> String {
        context.session?.csrf ?? ""
    }
}
