import CompanionCore
import Dashboard
import Foundation

/// Literal states for the page tests: two projects, a running task with progress, a queue, an ended
/// task with everything a result card shows, a pending approval, sessions and audit entries. The nasty
/// text (`<script>`, quotes, ampersands) sits in every place a user or Codex writes.
enum PagesFixtures {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let utc = TimeZone(identifier: "UTC")!
    static let pages = DashboardPages(timeZone: utc)
    static let csrf = "csrf-token-123"
    static let nasty = "fix <script>alert(1)</script> & \"quotes\""
    static let nastyEscaped = "fix &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"

    static let alpha = Project(name: "alpha", repoPath: "/repo/alpha")
    static let beta = Project(name: "beta", repoPath: "/repo/beta")

    static func queued(_ id: Int64, _ project: Project, prompt: String = nasty) -> QueuedTask {
        QueuedTask(id: id, request: TaskRequest(project: project, prompt: prompt, mode: .continue, requester: .telegram(chatID: 42)))
    }

    static func command(_ text: String, exit: Int?, status: ItemStatus = .completed, output: String = "") -> CommandExecution {
        CommandExecution(command: "/bin/bash -lc '\(text)'", aggregatedOutput: output, exitCode: exit, status: status)
    }

    static var progress: ProgressState {
        var progress = ProgressState(project: "alpha", session: .new, startedAt: now.addingTimeInterval(-125))
        let item = CodexItem(id: "item_1", kind: .commandExecution(command("swift build", exit: 0)))
        progress.apply(.itemCompleted(item), repoPath: alpha.repoPath)
        progress.apply(
            .itemStarted(CodexItem(id: "item_2", kind: .commandExecution(command("swift test", exit: nil, status: .inProgress)))),
            repoPath: alpha.repoPath)
        return progress
    }

    static func pending(taskID: Int64 = 7) -> PendingApproval {
        PendingApproval(
            id: ApprovalID(epoch: "ab12", taskID: taskID, sequence: 3), task: queued(taskID, alpha),
            request: ApprovalRequest(
                turnID: "turn", itemID: "item", action: .command(command: "rm -rf \"build\" <dir> && echo ok", cwd: "/repo/alpha"),
                reason: "clean the <b>build</b> folder"),
            askedAt: now.addingTimeInterval(-30), expiresAt: now.addingTimeInterval(570))
    }

    /// An ended task with an answer in Markdown, files, commands (one failed, one declined), tokens.
    static var endedTask: StoredTask {
        var task = StoredTask(
            id: 12, project: "alpha", prompt: nasty, mode: .continue, status: .done, threadID: "0199aaaa-bbbb-cccc-dddd-eeeeffff0012",
            startedAt: now.addingTimeInterval(-300), endedAt: now.addingTimeInterval(-180))
        task.requester = .telegram(chatID: 42)
        task.session = .new
        task.finalMessage = """
            Done: **fixed** the `parser` <script>alert(1)</script>.

            - one
            - two

            ```swift
            let x = 1 < 2
            ```

            See [docs](https://example.com/a?b=1&c="2") and [bad](javascript:alert(1)) or [mail](mailto:me@example.com).
            """
        task.filesChanged = [
            FileChange(path: "/repo/alpha/Sources/A.swift", kind: .update), FileChange(path: "/repo/alpha/New.md", kind: .add),
        ]
        task.lineCounts = [
            "/repo/alpha/Sources/A.swift": LineCounts(added: 12, removed: 3), "/repo/alpha/New.md": LineCounts(added: 5, removed: 0),
        ]
        task.commands = [
            command("swift build", exit: 0), command("swift test --filter \"<x>\"", exit: 1, status: .failed, output: "error: <boom>"),
            command("rm -rf /", exit: nil, status: .declined),
        ]
        task.turnUsage = TokenUsage(inputTokens: 12345, cachedInputTokens: 1000, outputTokens: 678)
        return task
    }

    static let diff = """
        diff --git a/Sources/A.swift b/Sources/A.swift
        index 1111111..2222222 100644
        --- a/Sources/A.swift
        +++ b/Sources/A.swift
        @@ -1,3 +1,2 @@
         let a = 1
        -let b = "<old>"
        +let b = "<new>"
        --- a/Sources/A.swift removed line that looks like a header
        @@ -10,2 +9,1 @@ func tail()
         let x = 1
        -let y = 2
        """

    static var state: DashboardState {
        DashboardState(
            projects: [
                .init(
                    project: alpha, running: TaskSnapshot.Running(task: queued(7, alpha), startedAt: now.addingTimeInterval(-125)),
                    progress: progress),
                .init(project: beta, queued: [queued(8, beta), queued(9, beta)]),
                .init(project: Project(name: "gamma", repoPath: "/repo/gamma")),
            ],
            recent: [endedTask], pending: [], telegramEnabled: false)
    }

    static let sessions = [
        CodexSession(
            id: "0199aaaa-bbbb-cccc-dddd-eeee11112222", cwd: "/repo/alpha", startedAt: now.addingTimeInterval(-7200),
            lastUsedAt: now.addingTimeInterval(-600), firstPrompt: nasty, source: "cli", cumulativeUsage: nil),
        CodexSession(
            id: "0199aaaa-bbbb-cccc-dddd-eeee33334444", cwd: "/repo/alpha", startedAt: nil, lastUsedAt: now.addingTimeInterval(-86400),
            firstPrompt: nil, source: "exec", cumulativeUsage: nil),
    ]

    static let audit = [
        AuditEntry(
            time: now.addingTimeInterval(-60), requester: .telegram(chatID: 42), userID: 1001, command: "new", project: "alpha",
            outcome: .started, duration: 0.2),
        AuditEntry(
            time: now.addingTimeInterval(-30), requester: .dashboard, command: "approval", project: "alpha", outcome: .timedOut,
            duration: 600, detail: "run <script>alert(1)</script> \"x\" & y"),
        AuditEntry(time: now, requester: .cli, command: "status", project: nil, outcome: .ok, duration: 0.01),
    ]
}
