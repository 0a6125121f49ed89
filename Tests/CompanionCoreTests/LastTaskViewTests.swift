import CompanionCore
import Foundation
import Testing

/// /last tells what was asked and how it ended, for every status, from the stored facts alone.
@Suite struct LastTaskViewTests {
    let project = Project(name: "alpha", repoPath: "/code/alpha")
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func task(_ status: TaskStatus, prompt: String = "fix the login bug\nthen add a test\nand update the docs") -> StoredTask {
        var task = StoredTask(
            id: 12, project: "alpha", prompt: prompt, mode: .continue, status: status, threadID: "0000-1111-abcd1234",
            startedAt: start, endedAt: status == .running || status == .queued ? nil : start.addingTimeInterval(80))
        if status != .queued {
            let session = CodexSession(
                id: "0000-1111-abcd1234", cwd: "", startedAt: nil, lastUsedAt: start.addingTimeInterval(-3600),
                firstPrompt: "earlier", source: "", cumulativeUsage: nil)
            task.session = .continued(session, origin: .codex(source: "cli"))
        }
        return task
    }

    @Test func aFinishedTaskShowsThePromptThenTheSameCardAsLive() {
        var done = task(.done)
        done.finalMessage = "Fixed `login_handler`."
        done.filesChanged = [FileChange(path: "/code/alpha/login.swift", kind: .update)]
        done.lineCounts = ["/code/alpha/login.swift": LineCounts(added: 4, removed: 1)]
        done.commands = [CommandExecution(command: "swift test", exitCode: 1, status: .failed)]
        done.turnUsage = TokenUsage(inputTokens: 1200, outputTokens: 30)
        let now = start.addingTimeInterval(600)
        let messages = LastTaskView().render(done, project: project, now: now)
        #expect(messages.count == 1)
        let text = messages[0].plain
        #expect(
            text.hasPrefix(
                "Last task in alpha (#12):\n\"fix the login bug\nthen add a test…\"\nasked 10m 00s ago · continued session abcd1234 · took 1m 20s"
            ))
        let live = ResultCard().plainText(done.report(project: project), lineCounts: done.lineCounts)
        #expect(text.hasSuffix(live))
        #expect(live.contains("Continued session abcd1234 (started in the terminal, last used 1h 00m before)"))
        #expect(live.contains("~ login.swift (+4 −1)"))
        #expect(live.contains("✗ swift test (exit 1)"))
        #expect(live.contains("Tokens: 1,200 in · 30 out"))
        #expect(messages[0].html.contains("<code>login_handler</code>"))
        #expect(LastTaskView().plainText(done, project: project, now: now) == text)
    }

    @Test func unfinishedTasksKeepThePromptAndSayWhatHappened() {
        let now = start.addingTimeInterval(125)
        let running = LastTaskView().plainText(task(.running), project: project, now: now)
        #expect(running.contains("\"fix the login bug\nthen add a test…\""))
        #expect(running.contains("⏳ Running for 2m 05s. The result will arrive here."))
        let queued = LastTaskView().plainText(task(.queued), project: project, now: now)
        #expect(queued.contains("⏳ Queued"))
        #expect(!queued.contains("took"))

        var interrupted = task(.interrupted, prompt: "big refactor")
        interrupted.failureReason =
            "Interrupted: the companion stopped while this task ran. The session is kept; send the prompt again (or /continue) to retry."
        let text = LastTaskView().plainText(interrupted, project: project, now: now)
        #expect(text.contains("\"big refactor\""))
        #expect(text.contains("⚠️ Interrupted · alpha"))
        #expect(text.contains("send the prompt again"))
        #expect(!text.contains("without writing an answer"))

        var cancelled = task(.cancelled, prompt: "slow job")
        cancelled.failureReason = "Cancelled. The session is kept: continue it whenever you like."
        #expect(LastTaskView().plainText(cancelled, project: project, now: now).contains("⏹ Cancelled · alpha"))
    }

    @Test func anEmptyAnswerGetsAClearLine() {
        var done = task(.done, prompt: "quiet")
        done.finalMessage = "   \n "
        #expect(ResultCard().plainText(done.report(project: project)).contains("(Codex finished without writing an answer.)"))
    }
}
