import CompanionCore
import Foundation

/// The audit log: every command from every client, with a filter form (project, requester, outcome)
/// that reloads the page with `GET /audit?project=…&requester=…&outcome=…` (an empty value: any).
struct AuditPage {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Row {
        var time: String
        var timeISO: String
        var requester: String
        /// Empty when unknown: a nil here would make Mustache look the name up on the page instead.
        var user: String
        var command: String
        var project: String
        var outcome: String
        var failed: Bool
        var duration: String
        var detail: String
    }

    var projects: [Option]
    var requesters: [Option]
    var outcomes: [Option]
    var rows: [Row]
    var hasRows: Bool
    var filtered: Bool

    /// Every outcome the audit records, in `CommandOutcome`'s order (the enum lists no cases itself).
    static let outcomeValues: [CommandOutcome] = [
        "ok", "started", "queued", "joined", "waiting-for-parts", "refused", "stale", "failed", "unauthorised", "ignored",
        "steered", "waiting", "approved", "denied", "timed-out", "expired",
    ].compactMap(CommandOutcome.init(rawValue:))

    init(_ entries: [AuditEntry], filter: AuditFilter, projects: [Project], format: PageFormat) {
        self.projects = Self.options(projects.map { ($0.name, $0.name) }, selected: filter.project)
        requesters = Self.options(
            [("cli", "terminal (cli)"), ("telegram", "telegram"), ("dashboard", "dashboard")], selected: filter.requester)
        outcomes = Self.options(Self.outcomeValues.map { ($0.rawValue, $0.rawValue) }, selected: filter.outcome)
        rows = entries.map { entry in
            Row(
                time: format.time(entry.time), timeISO: format.iso(entry.time), requester: entry.requester.kind.rawValue,
                user: entry.userID.map(String.init) ?? "", command: entry.command, project: entry.project ?? "",
                outcome: entry.outcome.rawValue,
                failed: !entry.outcome.succeeded, duration: format.duration(entry.duration), detail: entry.detail ?? "")
        }
        hasRows = !rows.isEmpty
        filtered = filter != AuditFilter()
    }

    /// "Any" first, then the values; the filter's value stays selected even when no longer offered.
    private static func options(_ values: [(value: String, label: String)], selected: String?) -> [Option] {
        var values = values
        if let selected, !selected.isEmpty, !values.contains(where: { $0.value == selected }) {
            values.append((selected, selected))
        }
        return [Option(value: "", label: "any", selected: selected?.isEmpty ?? true)]
            + values.map { Option(value: $0.value, label: $0.label, selected: $0.value == selected) }
    }

    static let template = """
        <h1>Audit</h1>
        <form method="get" action="/audit" class="card" id="audit-filter">
        <label>Project <select name="project" id="filter-project">{{#projects}}<option value="{{value}}"\
        {{#selected}} selected{{/selected}}>{{label}}</option>{{/projects}}</select></label>
        <label>Requester <select name="requester" id="filter-requester">{{#requesters}}<option value="{{value}}"\
        {{#selected}} selected{{/selected}}>{{label}}</option>{{/requesters}}</select></label>
        <label>Outcome <select name="outcome" id="filter-outcome">{{#outcomes}}<option value="{{value}}"\
        {{#selected}} selected{{/selected}}>{{label}}</option>{{/outcomes}}</select></label>
        <button type="submit">Filter</button>{{#filtered}} <a href="/audit">clear</a>{{/filtered}}
        </form>
        {{#hasRows}}
        <table id="audit">
        <thead><tr><th>Time</th><th>Requester</th><th>User</th><th>Command</th><th>Project</th><th>Outcome</th>\
        <th>Duration</th><th>Detail</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td><time datetime="{{timeISO}}">{{time}}</time></td><td>{{requester}}</td><td>{{user}}</td>\
        <td>{{command}}</td><td>{{project}}</td><td{{#failed}} class="fail"{{/failed}}>{{outcome}}</td><td>{{duration}}</td>\
        <td>{{detail}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p class="muted">No entry{{#filtered}} matches the filter{{/filtered}}.</p>{{/hasRows}}
        """
}
