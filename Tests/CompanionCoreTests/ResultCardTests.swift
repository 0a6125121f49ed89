import CompanionCore
import Foundation
import Testing

@Suite struct ResultCardTests {
    let project = Project(name: "alpha", repoPath: "/code/alpha")
    let start = Date(timeIntervalSince1970: 1_000_000)

    func report(
        status: TaskStatus, session: SessionNote = .new, turn: TurnRecord, failure: String? = nil,
        usage: TokenUsage? = nil
    ) -> TaskReport {
        TaskReport(
            taskID: 7, project: project, prompt: "fix it", mode: .new, session: session, status: status,
            startedAt: start, endedAt: start.addingTimeInterval(75), exitCode: status == .done ? 0 : 1, turn: turn,
            turnUsage: usage, failureReason: failure, stdoutTail: "", stderrTail: "")
    }

    @Test func successShowsAnswerFilesCommandsAndTokens() {
        var turn = TurnRecord()
        turn.threadID = "01a21397-dcb9-7193-be3f-9f728d1bd349"
        turn.finalMessage = "I created notes.txt."
        turn.filesChanged = [
            FileChange(path: "/code/alpha/notes.txt", kind: .add), FileChange(path: "/code/alpha/README.md", kind: .update),
        ]
        turn.commands = [
            CommandExecution(command: "/bin/bash -lc 'ls'", exitCode: 0, status: .completed),
            CommandExecution(command: "/bin/bash -lc 'make test'", exitCode: 2, status: .failed),
        ]
        let text = ResultCard().plainText(report(status: .done, turn: turn, usage: TokenUsage(inputTokens: 1234, outputTokens: 56)))
        #expect(text.hasPrefix("✅ Done · alpha · 1m 15s\nNew session 8d1bd349"))
        #expect(text.contains("I created notes.txt."))
        #expect(text.contains("Files changed (2):\n+ notes.txt\n~ README.md"))
        #expect(text.contains("Commands (2, 1 failed):\n✓ ls\n✗ make test (exit 2)"))
        #expect(text.contains("Tokens: 1,234 in · 56 out"))
    }

    @Test func failureShowsCodexsOwnMessage() {
        let text = ResultCard().plainText(
            report(
                status: .failed, turn: TurnRecord(),
                failure: "Codex said: We're currently experiencing high demand."))
        #expect(text.hasPrefix("❌ Failed · alpha"))
        #expect(text.contains("Codex said: We're currently experiencing high demand."))
        #expect(!text.contains("Tokens"))
    }

    @Test func continuedSessionsSayWhereTheyStarted() {
        let session = CodexSession(
            id: "01a21397-0000-0000-0000-0000abcd1234", cwd: "/code/alpha", startedAt: nil,
            lastUsedAt: start.addingTimeInterval(-7200), firstPrompt: "hi", source: "cli", cumulativeUsage: nil)
        let renderer = ResultCard()
        let text = renderer.plainText(
            report(status: .done, session: .continued(session, origin: .codex(source: "cli")), turn: TurnRecord()))
        #expect(text.contains("Continued session abcd1234 (started in the terminal, last used 2h 00m before)"))
        let none = renderer.plainText(report(status: .done, session: .newBecauseNoneFound, turn: TurnRecord()))
        #expect(none.contains("(no earlier session in this repository)"))
    }

    @Test func longCommandListsKeepEveryFailure() {
        var turn = TurnRecord()
        turn.commands = (1...12).map { CommandExecution(command: "step \($0)", exitCode: $0 == 11 ? 1 : 0, status: .completed) }
        let text = ResultCard().plainText(report(status: .done, turn: turn))
        #expect(text.contains("✗ step 11 (exit 1)"))
        #expect(text.contains("… and 4 more"))
    }
}
