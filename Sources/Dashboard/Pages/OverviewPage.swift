import CompanionCore
import Foundation

/// The overview: every project with what happens in it (and the running task's live progress), the
/// requests that wait for a person, the recent tasks across projects, and how to turn Telegram on.
struct OverviewPage {
    struct ProjectRow {
        var name: String
        var sessionsHref: String
        var diffHref: String
        var state: String
        var stateClass: String
        var task: TaskLink?
        var progress: [String]
        var hasProgress: Bool
        /// "🖥 At the terminal for 2m 05s: running `npm test`", while a desk turn runs.
        var desk: String?
    }

    struct TaskLink {
        var id: Int64
        var href: String
        var prompt: String
    }

    struct TaskRow {
        var id: Int64
        var href: String
        var project: String
        var prompt: String
        var status: String
        var when: String
        var whenTitle: String
        var whenISO: String
    }

    var projects: [ProjectRow]
    var recent: [TaskRow]
    var hasRecent: Bool
    var hasPending: Bool
    var pendingText: String
    var telegramOff: Bool

    init(_ state: DashboardState, format: PageFormat) {
        projects = state.projects.map { Self.row($0, pending: state.pending, format: format) }
        recent = state.recent.map { task in
            let when = task.endedAt ?? task.startedAt
            return TaskRow(
                id: task.id, href: "/tasks/\(task.id)", project: task.project, prompt: PromptPreview.firstLine(task.prompt, limit: 90),
                status: PageFormat.status(task.status), when: format.ago(when), whenTitle: format.time(when), whenISO: format.iso(when))
        }
        hasRecent = !recent.isEmpty
        hasPending = !state.pending.isEmpty
        switch state.pending.count {
        case 0: pendingText = "No request waits for approval."
        case 1: pendingText = "1 request waits for approval."
        default: pendingText = "\(state.pending.count) requests wait for approval."
        }
        telegramOff = !state.telegramEnabled
    }

    /// "idle", "running for 2m 05s", "waiting for approval", "queued 2", or several of them.
    static func activity(
        _ project: DashboardState.ProjectState, pending: [PendingApproval], format: PageFormat
    ) -> (
        text: String, cssClass: String
    ) {
        var parts: [String] = []
        var cssClass = "idle"
        if let running = project.running {
            let waiting = !running.waitingFor.isEmpty || pending.contains { $0.task.id == running.task.id }
            parts.append(
                waiting ? "waiting for approval" : "running for \(format.duration(format.now.timeIntervalSince(running.startedAt)))")
            cssClass = waiting ? "waiting" : "running"
        } else if let elsewhere = project.elsewhere {
            parts.append("running for \(format.duration(format.now.timeIntervalSince(elsewhere.startedAt))) in the terminal")
            cssClass = "running"
        }
        if let desk = project.atTheDesk {
            let waiting = !desk.waitingFor.isEmpty
            parts.append(waiting ? "waiting for approval at the terminal" : "running at the terminal")
            if cssClass == "idle" || waiting { cssClass = waiting ? "waiting" : "running" }
        }
        if !project.queued.isEmpty {
            parts.append("queued \(project.queued.count)")
            if cssClass == "idle" { cssClass = "queued" }
        }
        return (parts.isEmpty ? "idle" : parts.joined(separator: " · "), cssClass)
    }

    private static func row(_ project: DashboardState.ProjectState, pending: [PendingApproval], format: PageFormat) -> ProjectRow {
        let name = project.project.name
        let segment = PageFormat.pathSegment(name)
        let (state, cssClass) = activity(project, pending: pending, format: format)
        var task: TaskLink?
        if let running = project.running {
            task = TaskLink(
                id: running.task.id, href: "/tasks/\(running.task.id)",
                prompt: PromptPreview.firstLine(running.task.request.prompt, limit: 90))
        } else if let elsewhere = project.elsewhere {
            task = TaskLink(id: elsewhere.id, href: "/tasks/\(elsewhere.id)", prompt: PromptPreview.firstLine(elsewhere.prompt, limit: 90))
        }
        let progress = project.progress.map { $0.render(now: format.now).plain.components(separatedBy: "\n") } ?? []
        let desk = project.atTheDesk.map { turn in
            "🖥 At the terminal for \(format.duration(format.now.timeIntervalSince(turn.progress.startedAt)))"
                + (turn.progress.doing.map { ": \($0)" } ?? "")
        }
        return ProjectRow(
            name: name, sessionsHref: "/projects/\(segment)/sessions", diffHref: "/projects/\(segment)/diff", state: state,
            stateClass: cssClass, task: task, progress: progress, hasProgress: !progress.isEmpty, desk: desk)
    }

    static let template = """
        <h1>Overview</h1>
        <section class="card" id="approvals-summary">
        {{#hasPending}}<a href="/approvals"><strong>{{pendingText}}</strong></a>{{/hasPending}}\
        {{^hasPending}}<span class="muted">{{pendingText}}</span> <a href="/approvals">Approvals</a>{{/hasPending}}
        </section>
        {{#telegramOff}}
        <section class="box note" id="telegram-off">
        <strong>The Telegram bot is off.</strong> To drive Codex from your phone too, add a <code>telegram</code> section to the
        config with <code>allowed_user_ids</code> (your Telegram user id), put the bot token in the
        <code>TELEGRAM_BOT_TOKEN</code> environment variable or in a file named by <code>bot_token_file</code>, and restart.
        Or run <code>codex-companion init</code>, which asks for the token, pairs your account and writes the config.
        </section>
        {{/telegramOff}}
        <h2>Projects</h2>
        <div id="live">
        {{#projects}}
        <section class="card project" data-project="{{name}}">
        <strong>{{name}}</strong> <span class="status {{stateClass}}">{{state}}</span>
        · <a href="{{sessionsHref}}">sessions</a> · <a href="{{diffHref}}">uncommitted changes</a>
        {{#task}}<div>Task <a href="{{href}}">#{{id}}</a>: {{prompt}}</div>{{/task}}
        {{#hasProgress}}<div class="progress">{{#progress}}<div>{{.}}</div>{{/progress}}</div>{{/hasProgress}}
        {{#desk}}<div class="desk">{{.}}</div>{{/desk}}
        </section>
        {{/projects}}
        {{^projects}}<p class="muted">No project is configured.</p>{{/projects}}
        </div>
        <h2>Recent tasks</h2>
        {{#hasRecent}}
        <table id="recent">
        <thead><tr><th>Task</th><th>Project</th><th>Prompt</th><th>Status</th><th>When</th></tr></thead>
        <tbody>
        {{#recent}}<tr><td><a href="{{href}}">#{{id}}</a></td><td>{{project}}</td><td>{{prompt}}</td>\
        <td><span class="status {{status}}">{{status}}</span></td>\
        <td><time datetime="{{whenISO}}" title="{{whenTitle}}">{{when}}</time></td></tr>
        {{/recent}}
        </tbody>
        </table>
        {{/hasRecent}}
        {{^recent}}<p class="muted">No task yet.</p>{{/recent}}
        """
}
