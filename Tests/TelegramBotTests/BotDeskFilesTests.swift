import CodexAdapter
import CompanionCore
import Foundation
import Synchronization
import TestSupport
import Testing

/// Without Codex's daemon (0.147, or a terminal that has not started one), the end of a turn run in the
/// terminal is still reported, from the session files: with the REAL codex run directly as a user does
/// (`codex exec`) and the fake Bot API.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)), .timeLimit(.minutes(5)))
struct BotDeskFilesTests {
    @Test func withoutTheDaemonTheEndOfATurnInTheTerminalIsReported() async throws {
        try await withBotHarness { harness in
            let fake = harness.workspace.fake
            // The watcher's events from when the test starts listening: looks before that are not counted.
            let listener = Mutex<AsyncStream<DeskWatcher.Event>.Continuation?>(nil)
            let daemon = try harness.startDaemon(onDeskEvent: { event in _ = listener.withLock { $0 }?.yield(event) })
            _ = try await harness.ownerSays("/project alpha")

            // The phone's own turn is not told again as the desk's.
            fake.script("phone job", [.message("Phone answer.")])
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new phone job")
            try await harness.telegram.waitForMessage(to: BotHarness.owner, "the phone's card") { $0.contains("Phone answer.") }
            // A whole look passes over what the phone's turn wrote, before the desk works (the first one
            // counted may have begun before the card).
            let (events, seen) = AsyncStream<DeskWatcher.Event>.makeStream()
            listener.withLock { $0 = seen }
            var looks = events.makeAsyncIterator()
            try await Self.nextLook(&looks)
            try await Self.nextLook(&looks)

            fake.script("desk exec job", [.message("Desk exec answer.")])
            let desk = try await harness.workspace.runCodexDirectly(prompt: "desk exec job", in: harness.alpha)
            #expect(desk.exitCode == 0)
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the desk's card") {
                $0.contains("From the terminal")
            }
            #expect(card.text.hasPrefix("✅ Done · alpha"), "\(card.text)")
            #expect(card.text.contains("Desk exec answer."))
            let fromTheDesk = harness.telegram.messages(to: BotHarness.owner).filter { $0.text.contains("From the terminal") }
            #expect(fromTheDesk.count == 1)
            let status = try #require(try await harness.ownerSays("/status").last?.text)
            #expect(status.contains("its approval requests need Codex's daemon"), "\(status)")
            await daemon.stop()
        }
    }

    static func nextLook(_ events: inout AsyncStream<DeskWatcher.Event>.Iterator) async throws {
        while let event = await events.next() {
            if case .filesLookedAt = event { return }
        }
        throw TestSupportError("the desk watcher stopped")
    }
}
