import CompanionCore
import Foundation
import Hummingbird

/// The HTML pages and the project's patch.
extension DashboardApp {
    func overview(_ context: DashboardContext) async throws -> Response {
        let state = try await dashboardState()
        return Responses.html(pages.overview(state, csrf: csrf(context), now: clock.now()))
    }

    func taskPage(_ context: DashboardContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self), let task = try await tasks.task(id: id) else {
            return Responses.text("No such task.", status: .notFound)
        }
        let project = project(named: task.project)
        let progress = await board.progress(of: task.id)
        let diff = await turnDiff(task, project: project)
        return Responses.html(pages.task(task, project: project, progress: progress, diff: diff, csrf: csrf(context), now: clock.now()))
    }

    func sessionsPage(_ context: DashboardContext) async throws -> Response {
        guard let project = project(named: context.parameters.get("name")) else {
            return Responses.text("No such project.", status: .notFound)
        }
        let found = try await codexSessions.sessions(inRepository: project.repoPath, limit: 30)
        return Responses.html(pages.sessions(project, sessions: found, csrf: csrf(context), now: clock.now()))
    }

    func approvalsPage(_ context: DashboardContext) async -> Response {
        Responses.html(pages.approvals(await tasks.pendingApprovals(), csrf: csrf(context), now: clock.now()))
    }

    /// `GET /audit?project=&requester=&outcome=`: an empty value is no filter; a value the audit cannot
    /// hold matches nothing.
    func auditPage(_ request: Request, context: DashboardContext) async throws -> Response {
        let query = request.uri.queryParameters
        func value(_ name: Substring) -> String? {
            query[name].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        }
        let filter = AuditFilter(project: value("project"), requester: value("requester"), outcome: value("outcome"))
        let requester = filter.requester.flatMap(Requester.Kind.init(rawValue:))
        let outcome = filter.outcome.flatMap(CommandOutcome.init(rawValue:))
        let unknown = (filter.requester != nil && requester == nil) || (filter.outcome != nil && outcome == nil)
        let entries =
            unknown ? [] : try await audit.recentAudit(limit: 200, project: filter.project, requester: requester, outcome: outcome)
        return Responses.html(pages.audit(entries, filter: filter, projects: projects, csrf: csrf(context)))
    }

    /// The project's uncommitted changes, the same patch as `/diff` in Telegram.
    func diff(_ context: DashboardContext) async throws -> Response {
        guard let project = project(named: context.parameters.get("name")) else {
            return Responses.text("No such project.", status: .notFound)
        }
        let changes = try await inspector.uncommittedChanges(repoPath: project.repoPath)
        var response = Responses.body(changes.patch, status: .ok, contentType: "text/x-patch; charset=utf-8")
        response.headers[.contentDisposition] = "inline; filename=\"\(project.name).patch\""
        return response
    }

    /// An ended task's changes: the working tree's uncommitted changes to the files the task changed.
    private func turnDiff(_ task: StoredTask, project: Project?) async -> String? {
        guard task.status.hasEnded, !task.filesChanged.isEmpty, let project else { return nil }
        do {
            let changes = try await inspector.uncommittedChanges(repoPath: project.repoPath)
            let paths = Set(task.filesChanged.map { PatchFilter.relative($0.path, to: project.repoPath) })
            let patch = PatchFilter.sections(of: changes.patch, touching: paths)
            return patch.isEmpty ? nil : patch
        } catch {
            logger.warning("reading a task's changes failed", metadata: ["task": "\(task.id)", "error": "\(error)"])
            return nil
        }
    }
}
