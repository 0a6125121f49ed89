import CompanionCore
import Foundation
import TestSupport
import Testing

/// The owner's everyday use, end to end through the fake Telegram server and the REAL codex.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct BotConversationTests {
    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func pickAProjectStartATaskContinueItAndReadStatusAndLast(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            let fake = harness.workspace.fake
            fake.script("add notes", [.shell("echo one > notes.txt"), .message("Added `notes.txt` & done.")])
            fake.script("and now", [.heldMessage("Second answer.", until: "second")])

            let picked = try await harness.ownerSays("/project alpha")
            #expect(picked[0].text.hasPrefix("Active project: alpha."))

            let run = try await harness.ownerSays("/new add notes please", expecting: 2)
            #expect(run[0].text.hasPrefix("⏳ alpha · "))
            #expect(run[0].text.contains("New Codex session"))
            #expect(run[1].text.hasPrefix("✅ Done · alpha"))
            #expect(run[1].text.contains("Added notes.txt & done."))
            #expect(run[1].raw.contains("<code>notes.txt</code> &amp; done."))
            #expect(run[1].text.contains("✓ echo one > notes.txt"))
            // The fake model waits for a command still running, as a model does: the file is there before the card.
            #expect(FileManager.default.fileExists(atPath: harness.alpha + "/notes.txt"))
            let session = try #require(run[1].text.firstMatch(of: /New session (\w{8})/)?.1)

            // Plain text continues the same session; /status answers while it runs.
            let ack = try await harness.ownerSays("and now the second step")
            #expect(ack[0].text.contains("Continuing session \(session), started from Telegram"))
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/status")
            let status = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the status") { $0.hasPrefix("Project:") }
            #expect(status.text.contains("Project: alpha"))
            #expect(status.text.contains("Running in alpha for"))
            #expect(status.text.contains("\"and now the second step\""))
            fake.release("second")
            let result = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the second result") {
                $0.contains("Second answer.")
            }
            #expect(result.text.hasPrefix("✅ Done · alpha"))
            #expect(result.text.contains("Continued session \(session)"))
            #expect(fake.requests.last?.userPrompts == ["add notes please", "and now the second step"])

            let idle = try await harness.ownerSays("/status")
            #expect(idle[0].text.contains("Idle"))
            // /last: what was asked, how it ended, then the card seen live (answer, session).
            let last = try await harness.ownerSays("/last")
            #expect(last[0].text.hasPrefix("Last task in alpha (#2):\n\"and now the second step\"\nasked "), "\(last[0].text)")
            #expect(last[0].text.contains(" · continued session \(session) · took "))
            #expect(last[0].text.contains("✅ Done · alpha"))
            #expect(last[0].text.contains("Continued session \(session) (started from Telegram, last used "))
            #expect(last[0].text.contains("Second answer."))
            #expect(harness.telegram.rejectedSends == 0)
            #expect(harness.telegram.calls.contains("sendChatAction"))
            #expect(harness.telegram.allowedUpdates.allSatisfy { $0 == ["message", "edited_message", "callback_query"] })
            #expect(try await daemon.stop().get() == ())
        }
    }

    @Test func mistakesGetShortHelpfulReplies() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            #expect(try await harness.ownerSays("fix the bug")[0].text == "Pick a project first: /project <name>. Projects: alpha, beta.")
            #expect(try await harness.ownerSays("/project gamma")[0].text == "Unknown project \"gamma\". Projects: alpha, beta.")
            let list = try await harness.ownerSays("/project")
            #expect(list[0].text.contains("• alpha\n• beta"))
            #expect(
                try await harness.ownerSays("/project@\(FakeTelegramServer.botUsername) beta")[0].text.hasPrefix("Active project: beta."))
            #expect(try await harness.ownerSays("/project")[0].text.contains("• beta (active)"))
            #expect(try await harness.ownerSays("/new   ")[0].text == "Say what Codex should do: /new <prompt>.")
            // A sticker is neither a prompt nor a file: a clear reply, not silence.
            let before = harness.telegram.messages(to: BotHarness.owner).count
            harness.telegram.sendSticker(from: BotHarness.owner)
            let sticker = try await harness.telegram.waitForMessages(to: BotHarness.owner, count: before + 1)
            #expect(sticker[before].text == BotReplies.unsupportedContent)
            #expect(try await harness.ownerSays("/deploy now")[0].text == "Unknown command /deploy. Send /help for the list.")
            #expect(try await harness.ownerSays("/last")[0].text == "No task has run in beta yet.")
            let help = try await harness.ownerSays("/start")
            #expect(help[0].text.contains("Active project: beta"))
            for command in [
                "/project:", "/project <name>:", "/new <prompt>:", "/continue <prompt>:", "/last:", "/diff:", "/status:",
                "/cancel:", "/cancel queued:", "/cancel all:", "/help:", "/start:",
            ] {
                #expect(help[0].text.contains("\n\(command) "), "missing \(command)")
            }
            // Editing an old prompt never re-runs it.
            harness.telegram.sendMessage(from: BotHarness.owner, text: "edited prompt", edited: true)
            let edited = try await harness.telegram.waitForMessages(to: BotHarness.owner, count: 11)
            #expect(edited.last?.text.hasPrefix("Edited messages are not run again.") == true)
            // A message from long ago (a backlog after an outage) is not run.
            let stale = harness.telegram.messages(to: BotHarness.owner).count
            harness.telegram.sendMessage(from: BotHarness.owner, text: "old work", date: Date().addingTimeInterval(-7200))
            let staleReply = try await harness.telegram.waitForMessages(to: BotHarness.owner, count: stale + 1)
            #expect(staleReply.last?.text.hasPrefix("This message is 2h 00m old") == true)
            #expect(harness.workspace.fake.requests.isEmpty)
            await daemon.stop()
        }
    }

    @Test func strangersLearnNothingAndRunNothing() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            harness.telegram.sendMessage(from: BotHarness.stranger, text: "/project alpha")
            harness.telegram.sendMessage(from: BotHarness.stranger, text: "/new rm -rf /")
            harness.telegram.sendMessage(from: BotHarness.stranger, text: "/help")
            // The owner in a group chat is refused too, silently.
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new in a group", chatID: -100, chatType: "group")
            // The owner's next message proves the four before it were handled.
            _ = try await harness.ownerSays("/status")
            let toStranger = harness.telegram.messages(to: BotHarness.stranger)
            #expect(toStranger.map(\.text) == ["Sorry, this is a private bot."])
            #expect(harness.telegram.messages(to: -100).isEmpty)
            #expect(harness.workspace.fake.requests.isEmpty)
            let audit = try await daemon.database.recentAudit(limit: 10)
            // One row per stranger (and chat) an hour: the stranger's repeats are counted into a summary.
            #expect(audit.filter { $0.outcome == .unauthorised }.count == 2)
            #expect(audit.contains { $0.userID == BotHarness.stranger && $0.chatID == BotHarness.stranger })
            await daemon.stop()
        }
    }
}
