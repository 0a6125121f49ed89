import CompanionCore
import Foundation
import TestSupport
import Testing

/// Replies arrive whatever Codex printed and whatever Telegram does.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct BotDeliveryTests {
    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func aLongAnswerIsSplitIntoValidMessagesWithCodeBlocksReopened(engine: CodexEngine) async throws
    {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            let code = (1...150).map { "let value\($0) = \"<tag> & \($0)\"" }.joined(separator: "\n")
            let prose = (1...40).map { "Paragraph \($0): " + String(repeating: "words ", count: 12) }.joined(separator: "\n\n")
            let answer = prose + "\n\n```swift\n" + code + "\n```\nThe end."
            harness.workspace.fake.script("long answer", [.message(answer)])
            _ = try await harness.ownerSays("/project alpha")
            let before = harness.telegram.messages(to: BotHarness.owner).count
            harness.telegram.sendMessage(from: BotHarness.owner, text: "give me a long answer")
            try await harness.telegram.waitUntil("the last chunk") { fake in
                fake.messages(to: BotHarness.owner).last?.text.contains("The end.") == true
            }
            let chunks = Array(harness.telegram.messages(to: BotHarness.owner).dropFirst(before + 1))
            #expect(chunks.count >= 3)
            #expect(harness.telegram.rejectedSends == 0)
            for (index, chunk) in chunks.enumerated() {
                #expect(chunk.text.unicodeScalars.count <= 4096)
                #expect(chunk.text.hasSuffix("(\(index + 1)/\(chunks.count))"))
            }
            // The code block spans chunks: each part is a <pre> block of its own.
            let withCode = chunks.filter { $0.raw.contains("let value") }
            #expect(withCode.count >= 2)
            #expect(withCode.allSatisfy { $0.raw.contains("<pre><code class=\"language-swift\">") })
            let joined = chunks.map(\.text).joined()
            #expect(joined.contains("let value150 = \"<tag> & 150\""))
            #expect(harness.telegram.documents.isEmpty)
            await daemon.stop()
        }
    }

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func aVeryLongAnswerAlsoArrivesAsADocument(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            let answer = (1...400).map { "Line \($0) of a very long report." }.joined(separator: "\n")
            harness.workspace.fake.script("report", [.message(answer)])
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "write the report")
            try await harness.telegram.waitUntil("the document") { !$0.documents.isEmpty }
            let document = try #require(harness.telegram.documents.first)
            #expect(String(decoding: document.contents, as: UTF8.self) == answer)
            #expect(document.fileName.hasSuffix(".md"))
            let summary = try #require(harness.telegram.messages(to: BotHarness.owner).last)
            #expect(summary.text.contains("the full answer is in the attached file"))
            await daemon.stop()
        }
    }

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func htmlSpecialCharactersAndBrokenMarkdownNeverFail(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            let nasty = "<script>alert('x')</script> & &amp; <b>unclosed *bold _it `tick\n```\n<div>open fence"
            harness.workspace.fake.script("nasty", [.message(nasty)])
            _ = try await harness.ownerSays("/project alpha")
            let replies = try await harness.ownerSays("nasty output <please> & thanks", expecting: 2)
            #expect(harness.telegram.rejectedSends == 0)
            #expect(replies[1].parseMode == "HTML")
            #expect(replies[1].text.contains("<script>alert('x')</script> &"))
            #expect(replies[1].text.contains("<b>unclosed"))
            #expect(replies[1].text.contains("<div>open fence"))
            await daemon.stop()
        }
    }

    @Test func a429IsWaitedOutAndTheReplyArrivesOnce() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            harness.telegram.fail(
                "sendMessage", times: 1, with: .status(429, description: "Too Many Requests: retry after 1", retryAfter: 1))
            let started = ContinuousClock.now
            let replies = try await harness.ownerSays("/project alpha")
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(replies[0].text.hasPrefix("Active project: alpha."))
            _ = try await harness.ownerSays("/status")
            #expect(harness.telegram.messages(to: BotHarness.owner).count == 2)
            await daemon.stop()
        }
    }

    @Test func serverErrorsAndEntityErrorsAreRetriedOrFallBackToPlainText() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            harness.telegram.fail("sendMessage", times: 1, with: .htmlPage(502))
            harness.telegram.fail("sendMessage", times: 1, with: .status(500, description: "Internal Server Error"))
            #expect(try await harness.ownerSays("/project alpha")[0].text.hasPrefix("Active project"))
            harness.telegram.fail(
                "sendMessage", times: 1, with: .status(400, description: "Bad Request: can't parse entities: Unsupported start tag"))
            let fallback = try await harness.ownerSays("/status")
            #expect(fallback[0].parseMode == nil)
            #expect(fallback[0].text.contains("Project: alpha"))
            #expect(harness.telegram.messages(to: BotHarness.owner).count == 2)
            await daemon.stop()
        }
    }

    @Test func getUpdatesFailingRecoversWithoutLosingOrRepeatingMessages() async throws {
        try await withBotHarness { harness in
            harness.telegram.fail("getUpdates", times: 1, with: .htmlPage(502))
            harness.telegram.fail("getUpdates", times: 1, with: .status(500, description: "Internal Server Error"))
            harness.telegram.fail(
                "getUpdates", times: 1, with: .status(409, description: "Conflict: terminated by other getUpdates request"))
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/project alpha")
            let daemon = try harness.startDaemon()
            let replies = try await harness.telegram.waitForMessages(to: BotHarness.owner, count: 1)
            #expect(replies[0].text.hasPrefix("Active project: alpha."))
            #expect(harness.telegram.calls.filter { $0 == "getUpdates" }.count >= 4)
            _ = try await harness.ownerSays("/status")
            #expect(harness.telegram.messages(to: BotHarness.owner).count == 2)
            await daemon.stop()
        }
    }

    /// Another program polling with the token: the owner is told once, and the bot polls on with backoff.
    @Test func aSecondPollerIsReportedToTheOwnerOnce() async throws {
        try await withBotHarness { harness in
            harness.telegram.fail(
                "getUpdates", times: 8,
                with: .status(
                    409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"))
            let daemon = try harness.startDaemon()
            let notice = try await harness.telegram.waitForMessage(to: BotHarness.owner, "about the other poller") {
                $0.contains("409 Conflict")
            }
            #expect(notice.text == BotReplies.pollingConflict)
            // Once the other poller is gone, messages are answered again; the notice is not repeated.
            _ = try await harness.ownerSays("/status")
            #expect(harness.telegram.messages(to: BotHarness.owner).filter { $0.text.contains("409 Conflict") }.count == 1)
            await daemon.stop()
        }
    }

    @Test func restartsNeitherLoseNorRepeatUpdates() async throws {
        try await withBotHarness { harness in
            let first = try harness.startDaemon()
            _ = try await harness.ownerSays("/project alpha")
            #expect(try await first.stop().get() == ())
            // The clean shutdown confirmed the offset: Telegram holds nothing to resend.
            #expect(harness.telegram.unconfirmedUpdateIDs.isEmpty)

            // A message sent while the daemon is down is answered after the restart, once.
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/status")
            let second = try harness.startDaemon()
            let replies = try await harness.telegram.waitForMessages(to: BotHarness.owner, count: 2)
            #expect(replies[1].text.contains("Project: alpha"))
            _ = try await harness.ownerSays("/last")
            #expect(harness.telegram.messages(to: BotHarness.owner).count == 3)
            await second.stop()
        }
    }

    @Test func aBadTokenStopsTheDaemonWithAClearMessage() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon(token: "999:WRONG-token_abcdefghijk")
            let ended = await daemon.ended()
            guard case .failure(let error) = ended else {
                Issue.record("the daemon should stop on a bad token")
                return
            }
            let text = "\(error)"
            #expect(text.contains("Telegram rejected the bot token"))
            #expect(!text.contains("WRONG-token"))
            #expect(harness.telegram.calls == ["getMe"])
        }
    }
}
