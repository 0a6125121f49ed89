import CodexAdapter
import CompanionCore
import Foundation
import TestSupport
import Testing

/// A session held by a Codex the companion cannot join (here a `codex exec` still running at the desk):
/// the message fails with a one-line reason and a button that runs it in a new session, end to end with
/// the REAL codex and the fake Bot API.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)), .timeLimit(.minutes(5)))
struct BotBusySessionTests {
    @Test func aSessionBusyElsewhereOffersToRunTheMessageInANewSession() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let binary = try TestCodex.requireBinary()
            let fake = harness.workspace.fake
            // The desk's turn: an answer an hour away keeps its session busy until the test stops it.
            fake.script("desk work", [.slowMessage("never seen", delay: .seconds(3600))])
            fake.script("phone follow-up", [.message("Did it in a new session.")])
            let desk = RunControl()
            async let held = CodexProcessRunner(binaryPath: binary, codexHome: harness.workspace.codexHome).run(
                CodexRunRequest(repoPath: harness.alpha, prompt: "desk work"), control: desk, onEvent: { _ in })
            await fake.waitForRequests(1)

            let daemon = try harness.startDaemon()
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "phone follow-up")
            let failed = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the failed card") { $0.hasPrefix("❌ Failed") }
            #expect(failed.text.contains("open in another Codex process"), "\(failed.text)")
            let offer = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the offer") {
                $0.hasPrefix("The session is busy in another Codex process")
            }
            #expect(try await harness.tapAnswer(try harness.tap("new session", on: offer)) == "Running it in a new session")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the new session's result") {
                $0.hasPrefix("✅ Done")
            }
            #expect(card.text.contains("Did it in a new session."))
            #expect(fake.requests.last?.userPrompts == ["phone follow-up"], "a new session: no desk history")
            // A second tap runs nothing more.
            #expect(try await harness.tapAnswer(try harness.tap("new session", on: offer)) == "This request has expired.")

            desk.stop(.user)
            _ = try await held
            await daemon.stop()
        }
    }
}
