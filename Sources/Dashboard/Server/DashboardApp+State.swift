import CompanionCore

/// What the overview and `/api/state` show, gathered in one place.
extension DashboardApp {
    /// Every project with its activity (the running task, its live progress, a task of another process,
    /// the queue), the 20 newest tasks, and the requests that wait for a person.
    func dashboardState() async throws -> DashboardState {
        try await dashboardState(from: await tasks.snapshot())
    }

    func dashboardState(from snapshot: TaskSnapshot) async throws -> DashboardState {
        let recent = try await store.recentTasks(limit: 20)
        let pending = await tasks.pendingApprovals()
        let progress = await board.allProgress()
        let rows = projects.map { project in
            let running = snapshot.running.first { $0.task.request.project.name == project.name }
            return DashboardState.ProjectState(
                project: project, running: running, progress: running.flatMap { progress[$0.task.id] },
                elsewhere: snapshot.elsewhere.first { $0.project == project.name },
                queued: snapshot.queued.filter { $0.request.project.name == project.name },
                atTheDesk: snapshot.atTheDesk.first { $0.project.name == project.name })
        }
        return DashboardState(projects: rows, recent: recent, pending: pending, telegramEnabled: settings.telegramEnabled)
    }
}
