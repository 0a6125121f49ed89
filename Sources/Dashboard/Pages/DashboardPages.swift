import CompanionCore
import Foundation

/// Renders every dashboard page as a complete HTML document (server-side; a little plain JavaScript
/// subscribes to `/events` for live updates). Every page carries the session's CSRF token as
/// `<meta name="csrf-token" content="…">`; every value from a task, a prompt or Codex is escaped.
///
/// The templates are swift-mustache string constants (see `PageTemplates`); each page's model turns the
/// core's types into the words and links it shows. Forms post to `POST /tasks` (`project`, `prompt`,
/// `mode` = `new` | `continue`, `csrf`) and `POST /approvals/<id>` (`decision` = `accept` |
/// `acceptForSession` | `decline` | `cancel`, `csrf`); the audit filter is `GET /audit?project=&requester=&outcome=`.
public struct DashboardPages: Sendable {
    /// The time zone times are shown in.
    public var timeZone: TimeZone

    public init() {
        self.init(timeZone: .current)
    }

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    public func overview(_ state: DashboardState, csrf: String, now: Date) -> String {
        let page = OverviewPage(state, format: format(now))
        return PageTemplates.document(
            title: "Overview", section: .overview, csrf: csrf, live: .all, body: PageTemplates.render(.overview, page))
    }

    /// A task: prompt, status, times, session, live progress or its result card, the diff, the timeline.
    public func task(_ task: StoredTask, project: Project?, progress: ProgressState?, diff: String?, csrf: String, now: Date) -> String {
        let page = TaskPage(task, project: project, progress: progress, diff: diff, format: format(now))
        return PageTemplates.document(
            title: "Task #\(task.id)", section: .none, csrf: csrf, live: .task(task.id), body: PageTemplates.render(.task, page))
    }

    /// A project's sessions (terminal ones included) with a form to continue one or start a new one.
    public func sessions(_ project: Project, sessions: [CodexSession], csrf: String, now: Date) -> String {
        let page = SessionsPage(project, sessions: sessions, csrf: csrf, format: format(now))
        return PageTemplates.document(
            title: "Sessions of \(project.name)", section: .none, csrf: csrf, live: .off, body: PageTemplates.render(.sessions, page))
    }

    public func approvals(_ pending: [PendingApproval], csrf: String, now: Date) -> String {
        let page = ApprovalsPage(pending, csrf: csrf, format: format(now))
        return PageTemplates.document(
            title: "Approvals", section: .approvals, csrf: csrf, live: .all, body: PageTemplates.render(.approvals, page))
    }

    public func audit(_ entries: [AuditEntry], filter: AuditFilter, projects: [Project], csrf: String) -> String {
        let page = AuditPage(entries, filter: filter, projects: projects, format: format(Date()))
        return PageTemplates.document(title: "Audit", section: .audit, csrf: csrf, live: .off, body: PageTemplates.render(.audit, page))
    }

    /// The login page (no session): what to do, nothing about projects.
    public func login(message: String) -> String {
        PageTemplates.document(
            title: "Log in", section: .none, csrf: nil, live: .off, body: PageTemplates.render(.login, ["message": message]))
    }

    static let loginTemplate = """
        <h1>Log in</h1>
        <section class="card" id="login-message"><p>{{message}}</p></section>
        """

    private func format(_ now: Date) -> PageFormat {
        PageFormat(timeZone: timeZone, now: now)
    }
}
