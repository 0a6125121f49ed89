import CompanionCore
import Foundation

/// The requests that wait for a person, each in the core's own words (`ApprovalText.request`, as on the
/// phone) with the same four choices as the phone's buttons. Each choice is a submit button of a form
/// `POST /approvals/<id>` with `decision` = Codex's word (`accept`, `acceptForSession`, `decline`,
/// `cancel`); whichever side answers first wins.
struct ApprovalsPage {
    struct Request {
        var id: String
        var action: String
        var taskID: Int64
        var taskHref: String
        /// A task of ours asks; else a turn at the desk (the terminal).
        var hasTask: Bool
        var project: String
        /// Already HTML: the core's text, escaped, its lines kept.
        var textHTML: String
        var asked: String
        var askedISO: String
        var expires: String
        var choices: [Choice]
        /// What the text cannot show whole (a long command, a diff), shown below it in full.
        var hasAttachment: Bool
        var attachmentTitle: String
        var attachmentText: String
    }

    struct Choice {
        var decision: String
        var title: String
        var elementID: String
        var primary: Bool
    }

    var requests: [Request]
    var hasRequests: Bool
    var csrf: String

    init(_ pending: [PendingApproval], csrf: String, format: PageFormat) {
        requests = pending.sorted { $0.askedAt < $1.askedAt }.map { pending in
            let id = pending.id.description
            let left = max(0, pending.expiresAt.timeIntervalSince(format.now))
            let attachment = ApprovalText.attachment(pending)
            return Request(
                id: id, action: "/approvals/\(PageFormat.pathSegment(id))", taskID: pending.task.id,
                taskHref: "/tasks/\(pending.task.id)", hasTask: !pending.isFromTheDesk, project: pending.task.request.project.name,
                textHTML: HTMLText.lines(ApprovalText.request(pending).plain), asked: format.ago(pending.askedAt),
                askedISO: format.iso(pending.askedAt),
                expires: pending.isFromTheDesk
                    ? "the terminal asks too; never decided on a timer" : "declined by itself in \(format.duration(left)) unless answered",
                choices: pending.request.choices.map { Self.choice($0, id: id) }, hasAttachment: attachment != nil,
                attachmentTitle: attachment?.title ?? "", attachmentText: attachment?.contents ?? "")
        }
        hasRequests = !requests.isEmpty
        self.csrf = csrf
    }

    /// `approve-<id>` for Approve (the browser test clicks it), and a like id for each other choice.
    static func choice(_ decision: ApprovalDecision, id: String) -> Choice {
        let prefix =
            switch decision {
            case .accept: "approve"
            case .acceptForSession: "approve-session"
            case .decline: "deny"
            case .cancel: "stop"
            }
        return Choice(
            decision: decision.rawValue, title: ApprovalText.buttonTitle(decision), elementID: "\(prefix)-\(id)",
            primary: decision == .accept)
    }

    static let template = """
        <h1>Approvals</h1>
        <div id="live">
        {{#requests}}
        <section class="card approval" data-approval="{{id}}">
        <p class="muted">{{#hasTask}}Task <a href="{{taskHref}}">#{{taskID}}</a>{{/hasTask}}{{^hasTask}}A turn at the terminal{{/hasTask}} \
        in {{project}} · asked \
        <time datetime="{{askedISO}}">{{asked}}</time> · {{expires}}</p>
        <div class="request">{{{textHTML}}}</div>
        {{#hasAttachment}}<details class="attachment" open><summary>{{attachmentTitle}}</summary>\
        <pre>{{attachmentText}}</pre></details>{{/hasAttachment}}
        <form method="post" action="{{action}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p>{{#choices}}<button type="submit" name="decision" value="{{decision}}" id="{{elementID}}"\
        {{#primary}} class="primary"{{/primary}}>{{title}}</button> {{/choices}}</p>
        </form>
        </section>
        {{/requests}}
        {{^hasRequests}}<p class="muted" id="no-approvals">No request waits for approval.</p>{{/hasRequests}}
        </div>
        """
}
