import CompanionCore
import Foundation
import TestSupport
import Testing

/// The live progress message and the result card, with the REAL codex running real commands.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct BotProgressTests {
    typealias Owner = BotHarness

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func aSlowMultiStepTaskIsVisiblyAliveWithoutFloodingTheChat(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            let telegram = harness.telegram
            harness.workspace.fake.script(
                "build it",
                [
                    .plan([.init("Inspect", "completed"), .init("Build", "in_progress"), .init("Test", "pending")]),
                    .shell("sleep 1 && echo step-one"),
                    .shell("sleep 1 && echo step-two"),
                    .shell("sleep 1 && exit 3"),
                    .shell("sleep 1 && echo step-four"),
                    .shell("sleep 1 && echo step-five"),
                    .shell("sleep 1 && echo step-six"),
                    .message("Built, with one failing check."),
                ])
            _ = try await harness.ownerSays("/project alpha")
            // The first edit is rate limited: the next one must wait out retry_after.
            telegram.fail("editMessageText", times: 1, with: .status(429, description: "Too Many Requests: retry after 2", retryAfter: 2))
            let progress = try #require(try await harness.ownerSays("build it now").first)
            #expect(progress.text.hasPrefix("⏳ alpha · "))
            // Six commands of a second each: on a loaded machine (the whole suite runs at once) that takes a while.
            let result = try await telegram.waitForMessage(to: Owner.owner, timeout: .seconds(120), "with the result") {
                $0.hasPrefix("✅ Done")
            }

            // The progress message is frozen as a one-line record once the result is out.
            try await telegram.waitUntil("the frozen progress line") {
                $0.currentText(of: progress.messageID)?.hasPrefix("✅ Done") == true
            }
            let edits = telegram.edits.filter { $0.messageID == progress.messageID }
            #expect(edits.count >= 3, "edits: \(edits.map(\.text))")
            for (earlier, later) in zip(edits, edits.dropFirst()) {
                #expect(earlier.text != later.text)
                // Edits are spaced 1.5 s from Telegram's answer to the previous one, so they arrive at least
                // that far apart however slow a request was on its way (the margin is the two clocks' rounding).
                #expect(later.at - earlier.at >= .milliseconds(1495), "\(later.at - earlier.at)")
            }
            let times = telegram.callTimes.filter { $0.method == "editMessageText" }.map(\.at)
            let limited = try #require(times.first)
            #expect(times.dropFirst().allSatisfy { $0 - limited >= .seconds(2) })
            // Some edit shows a command, running or done (which one an edit catches depends on the machine's load).
            #expect(
                edits.contains {
                    $0.text.contains("Now: running sleep 1") || $0.text.contains("✓ sleep 1") || $0.text.contains("echo step-")
                })
            #expect(edits.contains { $0.text.contains("Plan: 1/3 done") })
            let frozen = try #require(telegram.currentText(of: progress.messageID))
            #expect(frozen.hasPrefix("✅ Done · alpha · "))
            #expect(frozen.hasSuffix("6 steps: result below"))
            #expect(result.text.contains("Commands (6, 1 failed)"))
            #expect(harness.telegram.rejectedSends == 0)
            await daemon.stop()
        }
    }

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func theResultCardShowsFilesWithLineCountsAndFailingCommands(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            harness.workspace.fake.script(
                "write notes",
                [
                    .patch("*** Begin Patch\n*** Add File: notes.md\n+# Notes\n+remember the milk\n*** End Patch"),
                    .patch("*** Begin Patch\n*** Update File: README.md\n@@\n-# alpha\n+# Alpha\n+More notes.\n*** End Patch"),
                    .shell("ls missing-file"),
                    .message(
                        "## Summary\n\nI **added** `notes.md` and:\n\n1. appended to README\n2. checked a *missing* file\n\n```sh\nls missing-file\n```\nSee [the docs](https://example.com/a?b=1&c=2)."
                    ),
                ])
            _ = try await harness.ownerSays("/project alpha")
            _ = try await harness.ownerSays("write notes please")
            let card = try await harness.telegram.waitForMessage(to: Owner.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("Files changed (2)"))
            // git's line counts follow the card as an edit of it.
            try await harness.telegram.waitUntil("the line counts") { $0.currentText(of: card.messageID)?.contains("(+2 −0)") == true }
            let counted = try #require(harness.telegram.currentText(of: card.messageID))
            #expect(counted.contains("+ notes.md (+2 −0)"))
            #expect(counted.contains("~ README.md (+2 −1)"))
            #expect(card.text.contains("Commands (1, 1 failed)"))
            #expect(card.text.contains("✗ ls missing-file (exit 2)"))
            #expect(card.raw.contains("<b>✗</b> <code>ls missing-file</code> <b>(exit 2)</b>"))
            // Markdown, rendered: heading and bold as <b>, code, a numbered list, a fenced block, a link.
            #expect(card.raw.contains("<b>Summary</b>"))
            #expect(card.raw.contains("I <b>added</b> <code>notes.md</code> and:"))
            #expect(card.text.contains("1. appended to README\n2. checked a missing file"))
            #expect(card.raw.contains("<pre><code class=\"language-sh\">ls missing-file"))
            #expect(card.raw.contains("<a href=\"https://example.com/a?b=1&amp;c=2\">the docs</a>"))
            #expect(harness.telegram.rejectedSends == 0)
            await daemon.stop()
        }
    }

    @Test func diffSendsThePatchOrSaysThereIsNone() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            _ = try await harness.ownerSays("/project alpha")
            #expect(try await harness.ownerSays("/diff")[0].text == "No uncommitted changes in alpha.")
            try "# alpha\nchanged line\n".write(toFile: harness.alpha + "/README.md", atomically: true, encoding: .utf8)
            try "brand new\n".write(toFile: harness.alpha + "/new.txt", atomically: true, encoding: .utf8)
            let stat = try await harness.ownerSays("/diff")
            #expect(stat[0].text.hasPrefix("Uncommitted changes in alpha (2 files):"))
            #expect(stat[0].text.contains("README.md | 1 +"))
            #expect(stat[0].text.contains("new.txt (new) | 1 +"))
            try await harness.telegram.waitUntil("the patch") { !$0.documents.isEmpty }
            let patch = try #require(harness.telegram.documents.first)
            #expect(patch.fileName.hasPrefix("alpha-") && patch.fileName.hasSuffix(".patch"))
            let text = String(decoding: patch.contents, as: UTF8.self)
            #expect(text.contains("+changed line"))
            #expect(text.contains("+++ b/new.txt"))
            #expect(text.contains("+brand new"))
            await daemon.stop()
        }
    }
}
