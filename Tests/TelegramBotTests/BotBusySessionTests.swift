import CodexAdapter
import CompanionCore
import Foundation
import TestSupport
import Testing

/// A session held by a Codex the companion cannot join (here a `codex exec` still running at the desk):
/// the message fails with a one-line reason and buttons that run it when the session is free, in a fork
/// of it, or in a new session, end to end with the REAL codex and the fake Bot API.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)), .timeLimit(.minutes(5)))
struct BotBusySessionTests {
    @Test func aSessionBusyElsewhereOffersToRunTheMessageInANewSession() async throws {
        try await withBusyDesk(engine: .appServer) { harness, offer, _, _ in
            harness.workspace.fake.script("phone follow-up", [.message("Did it in a new session.")])
            #expect(try await harness.tapAnswer(try harness.tap("New session", on: offer)) == "Running it in a new session")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the new session's result") {
                $0.hasPrefix("✅ Done")
            }
            #expect(card.text.contains("Did it in a new session."))
            #expect(harness.workspace.fake.requests.last?.userPrompts == ["phone follow-up"], "a new session: no desk history")
            // A second tap, of any of the buttons, runs nothing more.
            #expect(try await harness.tapAnswer(try harness.tap("New session", on: offer)) == "This request has expired.")
            #expect(try await harness.tapAnswer(try harness.tap("fork", on: offer)) == "This request has expired.")
        }
    }

    /// The fork starts as a copy of the busy session (the model sees the desk's prompt), in a thread of
    /// its own; on the exec engine too, which hands forks to the app-server.
    @Test(arguments: CodexEngine.allCases) func aForkContinuesACopyOfTheBusySession(engine: CodexEngine) async throws {
        try await withBusyDesk(engine: engine) { harness, offer, deskThread, _ in
            let fake = harness.workspace.fake
            fake.script("phone follow-up", [.message("Did it in a fork.")])
            #expect(try await harness.tapAnswer(try harness.tap("fork", on: offer)) == "Running it in a fork of the session")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the fork's result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("Did it in a fork."))
            #expect(card.text.contains("forked from session \(deskThread.suffix(8))"), "\(card.text)")
            let request = try #require(fake.requests.last)
            #expect(request.userPrompts.first == "desk work" && request.userPrompts.last == "phone follow-up", "\(request.userPrompts)")
            #expect(request.threadID != deskThread)
        }
    }

    /// "When the session is free": the progress message says the task waits; once the desk's turn ends,
    /// the message runs in the desk's session.
    @Test func aWaitRunsTheMessageInTheSessionOnceItIsFree() async throws {
        try await withBusyDesk(engine: .appServer) { harness, offer, deskThread, desk in
            let fake = harness.workspace.fake
            fake.script("phone follow-up", [.message("Did it in your session.")])
            #expect(
                try await harness.tapAnswer(try harness.tap("when the session is free", on: offer))
                    == "It runs as soon as the session is free")
            try await harness.telegram.waitUntil("the progress message says it waits") { telegram in
                telegram.messages(to: BotHarness.owner).contains { message in
                    telegram.currentText(of: message.messageID)?.contains("waiting for the session") == true
                }
            }
            desk.end()
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, timeout: .seconds(120), "the result") {
                $0.hasPrefix("✅ Done")
            }
            #expect(card.text.contains("Did it in your session."))
            #expect(fake.requests.last?.threadID == deskThread)
            #expect(fake.requests.last?.userPrompts.last == "phone follow-up")
        }
    }

    /// A desk turn holds the alpha session (a `codex exec` whose answer is an hour away), the phone's
    /// follow-up has failed, and `body` gets the offer under it, the desk's thread id and its turn.
    private func withBusyDesk(
        engine: CodexEngine, _ body: (BotHarness, FakeTelegramServer.SentMessage, String, DeskTurn) async throws -> Void
    ) async throws {
        try await withBotHarness(engine: engine) { harness in
            let binary = try TestCodex.requireBinary()
            let fake = harness.workspace.fake
            fake.script("desk work", [.slowMessage("never seen", delay: .seconds(3600))])
            let desk = DeskTurn(
                CodexProcessRunner(
                    binaryPath: binary, codexHome: harness.workspace.codexHome, environment: harness.workspace.codexEnvironment),
                CodexRunRequest(repoPath: harness.alpha, prompt: "desk work"))
            await fake.waitForRequests(1)
            let deskThread = try #require(fake.requests.first?.threadID)

            let daemon = try harness.startDaemon()
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "phone follow-up")
            let failed = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the failed card") { $0.hasPrefix("❌ Failed") }
            #expect(failed.text.contains("open in another Codex process"), "\(failed.text)")
            let offer = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the offer") {
                $0.hasPrefix("The session is busy in another Codex process")
            }
            try await body(harness, offer, deskThread, desk)
            desk.end()
            await desk.run.value
            await daemon.stop()
        }
    }
}

/// A turn at the desk, in a `codex exec` of its own, that runs until `end()`.
final class DeskTurn: Sendable {
    let control: RunControl
    let run: Task<Void, Never>

    init(_ runner: CodexProcessRunner, _ request: CodexRunRequest) {
        let control = RunControl()
        self.control = control
        run = Task { _ = try? await runner.run(request, control: control, onEvent: { _ in }) }
    }

    func end() {
        control.stop(.user)
    }
}
