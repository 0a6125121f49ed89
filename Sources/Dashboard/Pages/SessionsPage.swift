import CompanionCore
import Foundation

/// A project's Codex sessions, the terminal's included (short id, last used, where it was started, first
/// prompt), and the box that starts a task: continue the latest session or start a new one. The form
/// goes through the same task service and queue as the phone (`POST /tasks`).
struct SessionsPage {
    struct Row {
        var shortID: String
        var id: String
        var lastUsed: String
        var lastUsedAgo: String
        var lastUsedISO: String
        var started: String?
        var origin: String
        var firstPrompt: String?
        var latest: Bool
    }

    var project: String
    var repoPath: String
    var diffHref: String
    var sessions: [Row]
    var hasSessions: Bool
    var continueLabel: String
    /// Which radio is checked: continue when there is a session to continue.
    var continueChecked: Bool
    var csrf: String

    init(_ project: Project, sessions: [CodexSession], csrf: String, format: PageFormat) {
        self.project = project.name
        repoPath = project.repoPath
        diffHref = "/projects/\(PageFormat.pathSegment(project.name))/diff"
        let ordered = sessions.sorted { $0.lastUsedAt > $1.lastUsedAt }
        self.sessions = ordered.enumerated().map { index, session in
            Row(
                shortID: session.shortID, id: session.id, lastUsed: format.time(session.lastUsedAt),
                lastUsedAgo: format.ago(session.lastUsedAt), lastUsedISO: format.iso(session.lastUsedAt),
                started: session.startedAt.map(format.time),
                origin: "started " + SessionText.started(.codex(source: session.source)),
                firstPrompt: session.firstPrompt.map { PromptPreview.firstLine($0, limit: 100) }, latest: index == 0)
        }
        hasSessions = !ordered.isEmpty
        continueLabel =
            ordered.first.map { "Continue the latest session (\($0.shortID))" }
            ?? "Continue the latest session (none yet: a new one starts)"
        continueChecked = !ordered.isEmpty
        self.csrf = csrf
    }

    static let template = """
        <h1>Sessions of {{project}}</h1>
        <p class="muted"><code>{{repoPath}}</code> · <a href="{{diffHref}}">uncommitted changes</a></p>
        <section class="card" id="new-task">
        <h2>Ask Codex</h2>
        <form method="post" action="/tasks">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="project" value="{{project}}">
        <label for="prompt">Prompt</label>
        <textarea id="prompt" name="prompt" required placeholder="What should Codex do in {{project}}?"></textarea>
        <p>
        <label><input type="radio" id="mode-continue" name="mode" value="continue"{{#continueChecked}} checked{{/continueChecked}}> \
        {{continueLabel}}</label><br>
        <label><input type="radio" id="mode-new" name="mode" value="new"{{^continueChecked}} checked{{/continueChecked}}> \
        Start a new session</label>
        </p>
        <button type="submit" id="start" class="primary">Start</button>
        </form>
        </section>
        <h2>Sessions</h2>
        {{#hasSessions}}
        <table id="sessions">
        <thead><tr><th>Session</th><th>Last used</th><th>Origin</th><th>First prompt</th></tr></thead>
        <tbody>
        {{#sessions}}<tr{{#latest}} class="latest"{{/latest}}><td><code title="{{id}}">{{shortID}}</code>{{#latest}} \
        <span class="muted">latest</span>{{/latest}}</td>\
        <td><time datetime="{{lastUsedISO}}" title="{{lastUsed}}">{{lastUsedAgo}}</time></td>\
        <td>{{origin}}{{#started}} <span class="muted">({{started}})</span>{{/started}}</td><td>{{firstPrompt}}</td></tr>
        {{/sessions}}
        </tbody>
        </table>
        {{/hasSessions}}
        {{^hasSessions}}<p class="muted">No Codex session in this repository yet: the first task starts one.</p>{{/hasSessions}}
        """
}
