import CompanionCore
import Dashboard
import Foundation
import Testing

/// Each page rendered from a literal state: what it must show, its links and forms, and the CSRF meta tag.
@Suite struct DashboardPagesTests {
    typealias F = PagesFixtures

    @Test func overviewShowsEveryProjectWithItsStateProgressAndRecentTasks() {
        let html = F.pages.overview(F.state, csrf: F.csrf, now: F.now)
        #expect(html.contains("running for 2m 05s"))
        #expect(html.contains("queued 2"))
        #expect(html.contains(">idle<"))
        #expect(html.contains("href=\"/projects/alpha/sessions\""))
        #expect(html.contains("href=\"/projects/beta/diff\""))
        #expect(html.contains("href=\"/tasks/7\""))
        // The running task's live progress, one line per line of the core's rendering.
        for line in F.progress.render(now: F.now).plain.split(separator: "\n") {
            #expect(html.contains("<div>\(line.replacingOccurrences(of: "&", with: "&amp;"))</div>"))
        }
        #expect(html.contains("Now: running `swift test`"))
        // Recent tasks: id link, project, first line of the prompt, status, when.
        #expect(html.contains("<a href=\"/tasks/12\">#12</a>"))
        #expect(html.contains("<span class=\"status done\">done</span>"))
        #expect(html.contains("3m 00s ago"))
        #expect(html.contains("No request waits for approval."))
        #expect(html.contains("<div id=\"live\">"))
        #expect(html.contains("new EventSource('/events')"))
    }

    @Test func overviewSaysHowToTurnTelegramOnOnlyWhenItIsOff() {
        let off = F.pages.overview(F.state, csrf: F.csrf, now: F.now)
        #expect(off.contains("id=\"telegram-off\""))
        #expect(off.contains("<code>allowed_user_ids</code>"))
        #expect(off.contains("TELEGRAM_BOT_TOKEN"))
        #expect(off.contains("<code>bot_token_file</code>"))
        #expect(off.contains("codex-companion init"))
        var state = F.state
        state.telegramEnabled = true
        #expect(!F.pages.overview(state, csrf: F.csrf, now: F.now).contains("telegram-off"))
    }

    @Test func overviewShowsWaitingForApprovalAndLinksThePendingRequests() {
        var state = F.state
        state.pending = [F.pending()]
        state.projects[0].running?.waitingFor = [F.pending()]
        let html = F.pages.overview(state, csrf: F.csrf, now: F.now)
        #expect(html.contains(">waiting for approval<"))
        #expect(html.contains("<a href=\"/approvals\"><strong>1 request waits for approval.</strong></a>"))
    }

    @Test func runningTaskPageShowsLiveProgressAndAStatusTheBrowserCanWaitOn() {
        var task = F.endedTask
        task.status = .running
        task.endedAt = nil
        task.finalMessage = nil
        task.commands = []
        task.filesChanged = []
        let html = F.pages.task(task, project: F.alpha, progress: F.progress, diff: nil, csrf: F.csrf, now: F.now)
        #expect(html.contains("data-task-status=\"running\""))
        #expect(html.contains("<div id=\"live\">"))
        #expect(html.contains("data-live-task=\"12\""))
        #expect(html.contains("new EventSource('/events')"))
        #expect(html.contains("Now: running `swift test`"))
        #expect(html.contains("Running for</dt><dd>5m 00s"))
        #expect(!html.contains("id=\"result\""))
    }

    @Test func endedTaskPageShowsTheResultCardDiffAndTimeline() {
        let html = F.pages.task(F.endedTask, project: F.alpha, progress: nil, diff: F.diff, csrf: F.csrf, now: F.now)
        #expect(html.contains("data-task-status=\"done\""))
        #expect(html.contains("id=\"prompt-text\">\(F.nastyEscaped)</dd>"))
        #expect(html.contains("Telegram (chat 42)"))
        #expect(html.contains("Started</dt><dd><time datetime=\"2025-06-15T15:01:40Z\">2025-06-15 15:01 (5m 00s ago)</time>"))
        #expect(html.contains("Duration</dt><dd>2m 00s"))
        #expect(html.contains("0199aaaa-bbbb-cccc-dddd-eeeeffff0012"))
        #expect(html.contains("New session ffff0012"))
        #expect(html.contains("<strong>fixed</strong>"))
        #expect(html.contains("~ <code>Sources/A.swift</code> <span class=\"muted\">(+12 −3)</span>"))
        #expect(html.contains("+ <code>New.md</code> <span class=\"muted\">(+5 −0)</span>"))
        #expect(html.contains("✓ <code>swift build</code> (exit 0)"))
        #expect(html.contains("<li class=\"fail\">✗ <code>swift test --filter &quot;&lt;x&gt;&quot;</code> (exit 1)"))
        #expect(html.contains("<pre>error: &lt;boom&gt;</pre>"))
        #expect(html.contains("(declined)"))
        #expect(html.contains("(2 failed)"))
        #expect(html.contains("Tokens: 12,345 in (1,000 cached) · 678 out"))
        #expect(html.contains("<section class=\"card\" id=\"diff\">"))
        #expect(html.contains("<svg"))
    }

    @Test func sessionsPageListsSessionsAndHasTheTaskForm() {
        let html = F.pages.sessions(F.alpha, sessions: F.sessions, csrf: F.csrf, now: F.now)
        #expect(html.contains("<code title=\"0199aaaa-bbbb-cccc-dddd-eeee11112222\">11112222</code>"))
        #expect(html.contains("started in the terminal"))
        #expect(html.contains("started with codex exec"))
        #expect(html.contains("10m 00s ago"))
        #expect(html.contains(F.nastyEscaped))
        #expect(html.contains("<form method=\"post\" action=\"/tasks\">"))
        #expect(html.contains("<input type=\"hidden\" name=\"csrf\" value=\"\(F.csrf)\">"))
        #expect(html.contains("<input type=\"hidden\" name=\"project\" value=\"alpha\">"))
        #expect(html.contains("<textarea id=\"prompt\" name=\"prompt\""))
        #expect(html.contains("id=\"mode-continue\" name=\"mode\" value=\"continue\" checked>"))
        #expect(html.contains("id=\"mode-new\" name=\"mode\" value=\"new\">"))
        #expect(html.contains("<button type=\"submit\" id=\"start\""))
        #expect(html.contains("Continue the latest session (11112222)"))

        let empty = F.pages.sessions(F.alpha, sessions: [], csrf: F.csrf, now: F.now)
        #expect(empty.contains("id=\"mode-new\" name=\"mode\" value=\"new\" checked>"))
        #expect(empty.contains("No Codex session in this repository yet"))
    }

    @Test func approvalsPageOffersThePhonesFourChoicesPerRequest() {
        let pending = F.pending()
        let html = F.pages.approvals([pending], csrf: F.csrf, now: F.now)
        #expect(html.contains("<form method=\"post\" action=\"/approvals/ab12.7.3\">"))
        #expect(html.contains("<input type=\"hidden\" name=\"csrf\" value=\"\(F.csrf)\">"))
        #expect(html.contains("name=\"decision\" value=\"accept\" id=\"approve-ab12.7.3\" class=\"primary\">✅ Approve</button>"))
        for decision in ApprovalDecision.allCases {
            #expect(html.contains("name=\"decision\" value=\"\(decision.rawValue)\""))
            #expect(html.contains(">\(ApprovalText.buttonTitle(decision))</button>"))
        }
        // The core's wording, escaped, one line per line.
        #expect(html.contains("Run:<br>\nrm -rf &quot;build&quot; &lt;dir&gt; &amp;&amp; echo ok"))
        #expect(html.contains("Why: clean the &lt;b&gt;build&lt;/b&gt; folder"))
        #expect(html.contains("<a href=\"/tasks/7\">#7</a>"))
        #expect(F.pages.approvals([], csrf: F.csrf, now: F.now).contains("No request waits for approval."))
    }

    /// A turn running at the terminal shows under its project, and its request on the Approvals page
    /// says where it comes from and that it is never decided on a timer.
    @Test func aTurnAtTheDeskAndItsRequestAreShown() {
        var pending = F.pending(taskID: 0)
        pending.task.request.requester = .desk
        pending.expiresAt = .distantFuture
        pending.origin = .desk(threadID: "0199aaaa-bbbb-cccc-dddd-eeeeffff0044", chats: [42])
        var state = F.state
        state.pending = [pending]
        state.projects[2].atTheDesk = TaskSnapshot.AtTheDesk(
            project: state.projects[2].project,
            progress: DeskTurnProgress(
                threadID: "0199aaaa-bbbb-cccc-dddd-eeeeffff0044", repoPath: "/repo/gamma", startedAt: F.now.addingTimeInterval(-65),
                doing: "running `npm test`", steps: 2),
            waitingFor: [pending])
        let overview = F.pages.overview(state, csrf: F.csrf, now: F.now)
        #expect(overview.contains("<div class=\"desk\">🖥 At the terminal for 1m 05s: running `npm test`</div>"), "\(overview)")
        #expect(overview.contains(">waiting for approval at the terminal<"))
        let approvals = F.pages.approvals([pending], csrf: F.csrf, now: F.now)
        #expect(approvals.contains("A turn at the terminal in alpha"))
        #expect(approvals.contains("the terminal asks too; never decided on a timer"))
        #expect(!approvals.contains("/tasks/0"))
        #expect(approvals.contains("at the terminal, session ffff0044"))
    }

    @Test func aLongCommandIsShownWholeBelowItsRequest() {
        var pending = F.pending()
        let command = "echo " + String(repeating: "x", count: 900) + " && rm -rf <home> \u{202E}"
        pending.request.action = .command(command: command, cwd: nil)
        let html = F.pages.approvals([pending], csrf: F.csrf, now: F.now)
        #expect(html.contains("characters left out⟩"))
        #expect(html.contains("<details class=\"attachment\" open><summary>The whole command</summary>"))
        #expect(html.contains(String(repeating: "x", count: 900) + " &amp;&amp; rm -rf &lt;home&gt; ⟨U+202E⟩"))
        #expect(!html.contains("\u{202E}"))
    }

    @Test func auditPageFiltersAndListsEntries() {
        let filter = AuditFilter(project: "alpha", requester: "dashboard", outcome: nil)
        let html = F.pages.audit(F.audit, filter: filter, projects: [F.alpha, F.beta], csrf: F.csrf)
        #expect(html.contains("<form method=\"get\" action=\"/audit\""))
        #expect(html.contains("<option value=\"alpha\" selected>alpha</option>"))
        #expect(html.contains("<option value=\"beta\">beta</option>"))
        #expect(html.contains("<option value=\"dashboard\" selected>dashboard</option>"))
        #expect(html.contains("<option value=\"timed-out\">timed-out</option>"))
        #expect(html.contains("<td>telegram</td><td>1001</td><td>new</td><td>alpha</td><td>started</td>"))
        #expect(html.contains("<td class=\"fail\">timed-out</td><td>10m 00s</td>"))
        #expect(html.contains("<td>run &lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot; &amp; y</td>"))
        #expect(html.contains("<td>cli</td><td></td><td>status</td><td></td><td>ok</td>"))
    }

    @Test func everyPageButLoginCarriesTheCSRFTokenAndTheNavigation() {
        let meta = "<meta name=\"csrf-token\" content=\"\(F.csrf)\">"
        let pages = [
            F.pages.overview(F.state, csrf: F.csrf, now: F.now),
            F.pages.task(F.endedTask, project: F.alpha, progress: nil, diff: nil, csrf: F.csrf, now: F.now),
            F.pages.sessions(F.alpha, sessions: F.sessions, csrf: F.csrf, now: F.now),
            F.pages.approvals([F.pending()], csrf: F.csrf, now: F.now),
            F.pages.audit(F.audit, filter: AuditFilter(), projects: [F.alpha], csrf: F.csrf),
        ]
        for html in pages {
            #expect(html.hasPrefix("<!doctype html>"))
            #expect(html.contains(meta))
            #expect(html.contains("<a href=\"/\""))
            #expect(html.contains("<a href=\"/approvals\""))
            #expect(html.contains("<a href=\"/audit\""))
        }
    }

    @Test func loginPageShowsTheMessageAndNothingElse() {
        let html = F.pages.login(message: "This link was used already. Run codex-companion dashboard for a new one.")
        #expect(html.contains("<p>This link was used already. Run codex-companion dashboard for a new one.</p>"))
        #expect(!html.contains("csrf-token"))
        #expect(!html.contains("<nav>"))
        #expect(!html.contains("<script>"))
        #expect(!html.contains("alpha"))
    }
}
