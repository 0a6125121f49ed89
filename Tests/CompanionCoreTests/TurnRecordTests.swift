import CompanionCore
import Testing

@Suite struct TurnRecordTests {
    @Test func foldsATurnIntoItsResult() {
        var turn = TurnRecord()
        let events: [CodexEvent] = [
            .threadStarted(threadID: "thread-1"),
            .turnStarted,
            .itemStarted(
                CodexItem(id: "item_0", kind: .commandExecution(CommandExecution(command: "ls", exitCode: nil, status: .inProgress)))),
            .itemCompleted(
                CodexItem(id: "item_0", kind: .commandExecution(CommandExecution(command: "ls", exitCode: 0, status: .completed)))),
            .itemCompleted(
                CodexItem(id: "item_1", kind: .fileChange(changes: [FileChange(path: "/r/a.txt", kind: .add)], status: .completed))),
            .itemCompleted(
                CodexItem(
                    id: "item_2",
                    kind: .fileChange(
                        changes: [
                            FileChange(path: "/r/a.txt", kind: .update),
                            FileChange(path: "/r/b.txt", kind: .delete),
                        ], status: .completed))),
            .itemCompleted(
                CodexItem(id: "item_3", kind: .commandExecution(CommandExecution(command: "make test", exitCode: 2, status: .failed)))),
            .error(message: "Reconnecting... 1/2"),
            .itemCompleted(CodexItem(id: "item_4", kind: .agentMessage(text: "first"))),
            .itemCompleted(CodexItem(id: "item_5", kind: .agentMessage(text: "final answer"))),
            .turnCompleted(usage: TokenUsage(inputTokens: 500, outputTokens: 50)),
        ]
        for event in events { turn.apply(event) }
        #expect(turn.threadID == "thread-1")
        #expect(turn.finalMessage == "final answer")
        #expect(turn.filesChanged == [FileChange(path: "/r/a.txt", kind: .add), FileChange(path: "/r/b.txt", kind: .delete)])
        #expect(turn.commands.map(\.command) == ["ls", "make test"])
        #expect(turn.commands.map(\.failed) == [false, true])
        #expect(turn.warnings == ["Reconnecting... 1/2"])
        #expect(turn.completed)
        #expect(turn.cumulativeUsage == TokenUsage(inputTokens: 500, outputTokens: 50))
        #expect(turn.eventCount == events.count)
    }

    /// Codex's commentary before its answer is not an answer; what it says after each text added to the
    /// turn is, and so is the added text, between them.
    @Test func eachInputOfASteeredTurnKeepsItsAnswer() {
        var turn = TurnRecord()
        let message = { (id: String, text: String) in CodexEvent.itemCompleted(CodexItem(id: id, kind: .agentMessage(text: text))) }
        let added = { (text: String) in CodexEvent.itemCompleted(CodexItem(id: "u", kind: .userMessage(text: text))) }
        turn.apply(added("explain the build"))  // the prompt itself, as app-server shows it
        turn.apply(message("m1", "Looking at Package.swift…"))
        turn.apply(message("m2", "It uses SwiftPM."))
        #expect(turn.finalMessage == "It uses SwiftPM.")
        turn.apply(added("and the tests?\nall of them"))
        turn.apply(message("m3", "They run with swift test."))
        #expect(turn.answers.map(\.text) == ["It uses SwiftPM.", "They run with swift test."])
        #expect(turn.answers.map(\.followedBy) == ["and the tests?\nall of them", nil])
        #expect(
            turn.finalMessage
                == "It uses SwiftPM.\n\n---\n\n✉ You added:\n> and the tests?\n> all of them\n\nThey run with swift test.")
        // Rendered for Telegram: a rule, and the added text as a quote.
        let html = TelegramMarkdown.html(from: turn.finalMessage ?? "")
        #expect(html.contains("<blockquote>"), "\(html)")
        #expect(html.contains("It uses SwiftPM.") && html.contains("They run with swift test."))
    }

    /// Codex's daemon resumes a turn its restart interrupted with a message of its own in the user's
    /// place: the card says so, and never quotes it as the person's.
    @Test func theDaemonsRecoveryMessageIsShownAsCodexsNotTheUsers() {
        var turn = TurnRecord()
        let message = { (id: String, text: String) in CodexEvent.itemCompleted(CodexItem(id: id, kind: .agentMessage(text: text))) }
        let added = { (text: String) in CodexEvent.itemCompleted(CodexItem(id: "u", kind: .userMessage(text: text))) }
        turn.apply(added("refactor the parser"))
        turn.apply(message("m1", "Halfway there."))
        turn.apply(
            added(
                "The server restarted and interrupted the previous turn. Continue the unfinished work from the saved conversation. "
                    + "Check the current state before repeating actions that may already have completed."))
        turn.apply(message("m2", "Done now."))
        let text = turn.finalMessage ?? ""
        #expect(text == "Halfway there.\n\n---\n\n⟳ Codex restarted and resumed the interrupted work by itself.\n\nDone now.")
        #expect(!text.contains("You added") && !text.contains("The server restarted"))
    }

    /// Codex 0.163 cuts the answer being streamed when text is steered in: that message never completes,
    /// and the added text arrives right after its first deltas (wire order seen on 0.163.0).
    @Test func anAnswerCutShortBySteeringKeepsWhatWasStreamed() {
        var turn = TurnRecord()
        let user = { (id: String, text: String) in CodexEvent.itemCompleted(CodexItem(id: id, kind: .userMessage(text: text))) }
        turn.apply(user("u1", "tell a story"))
        turn.apply(.itemStarted(CodexItem(id: "msg_1", kind: .agentMessage(text: ""))))
        turn.apply(.agentMessageDelta(itemID: "msg_1", delta: "Once "))
        turn.apply(.agentMessageDelta(itemID: "msg_1", delta: "upon"))
        turn.apply(user("u2", "also mention bananas"))
        // 0.163 starts the next message with its text and sends the same text as a delta.
        turn.apply(.itemStarted(CodexItem(id: "msg_2", kind: .agentMessage(text: "Bananas, too."))))
        turn.apply(.agentMessageDelta(itemID: "msg_2", delta: "Bananas, too."))
        turn.apply(.itemCompleted(CodexItem(id: "msg_2", kind: .agentMessage(text: "Bananas, too."))))
        #expect(turn.answers.map(\.text) == ["Once upon", "Bananas, too."])
        #expect(turn.answers.map(\.followedBy) == ["also mention bananas", nil])
    }

    @Test func aFailedTurnKeepsCodexsMessage() {
        var turn = TurnRecord()
        turn.apply(.threadStarted(threadID: "t"))
        turn.apply(.turnFailed(message: "stream disconnected before completion"))
        #expect(!turn.completed)
        #expect(turn.failureMessage == "stream disconnected before completion")
    }

    @Test func turnUsageIsTheDifferenceFromTheThreadTotalBefore() {
        let before = TokenUsage(inputTokens: 300, cachedInputTokens: 10, outputTokens: 30)
        let after = TokenUsage(inputTokens: 450, cachedInputTokens: 60, outputTokens: 42, reasoningOutputTokens: 5)
        #expect(after.since(before) == TokenUsage(inputTokens: 150, cachedInputTokens: 50, outputTokens: 12, reasoningOutputTokens: 5))
        #expect(before.since(after) == .zero)
    }
}
