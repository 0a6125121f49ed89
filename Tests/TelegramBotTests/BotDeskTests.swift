import CodexAdapter
import CompanionCore
import Foundation
import TestSupport
import Testing

/// Start at the desk, finish from the phone: a turn another client of Codex's daemon runs (the terminal
/// UI is one) reaches the chat bound to its project unasked, as the same result card, marked as from the
/// terminal. With the REAL codex 0.163 daemon and the fake Bot API.
@Suite(
    .enabled(if: TestCodex.shouldRun && CodexDaemonControl.isSupported, Comment(rawValue: CodexDaemonControl.missingMessage)),
    .timeLimit(.minutes(5)))
struct BotDeskTests {
    @Test func aTurnAtTheTerminalReachesThePhoneUnasked() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let home = harness.workspace.codexHome
            let fake = harness.workspace.fake
            try await CodexDaemonControl.start(codexHome: home)
            let (followed, follow) = AsyncStream<String>.makeStream()
            let daemon = try harness.startDaemon(onDeskThread: { follow.yield($0) })
            _ = try await harness.ownerSays("/project alpha")
            fake.script("desk job", [.heldMessage("Done at the desk.", until: "desk")])
            // The desk: a client of the daemon of its own.
            let desk = DaemonRunner(socketPath: CodexDaemon.socketPath(codexHome: home), answerLimit: .seconds(60))
            async let turn = desk.run(CodexRunRequest(repoPath: harness.alpha, prompt: "desk job"), onEvent: { _ in })
            var threads = followed.makeAsyncIterator()
            let thread = await threads.next()
            fake.release("desk")
            let result = try await turn
            #expect(result.succeeded, "\(result.turn)")
            #expect(thread == result.turn.threadID)
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the desk's card") {
                $0.contains("From the terminal")
            }
            #expect(card.text.hasPrefix("✅ Done · alpha"), "\(card.text)")
            #expect(card.text.contains("Done at the desk."))
            await daemon.stop()
            await CodexDaemonControl.stop(codexHome: home)
        }
    }
}
