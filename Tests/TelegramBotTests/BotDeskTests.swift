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
            let daemon = try harness.startDaemon(onDeskEvent: { if case .following(let thread, _) = $0 { follow.yield(thread) } })
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

    // MARK: - With the real terminal UI

    /// A slow turn typed into the terminal UI: /status on the phone shows it running at the terminal,
    /// and its answer reaches the phone unasked when it ends.
    @Test(.enabled(if: TerminalCodex.isAvailable, Comment(rawValue: TerminalCodex.missingMessage)))
    func aSlowTurnInTheTerminalShowsInStatusAndItsAnswerReachesThePhone() async throws {
        try await withDeskStory { harness, terminal, events in
            harness.workspace.fake.script("slow desk job", [.heldMessage("Finished the slow job.", until: "slow")])
            var seen = events.makeAsyncIterator()
            try await terminal.type("slow desk job")
            // The companion sees the turn running (from its start, or from when it followed the new thread).
            while let event = await seen.next() {
                if case .turnProgressed = event { break }
            }
            let status = try #require(try await harness.ownerSays("/status").last?.text)
            #expect(status.contains("🖥 At the terminal in alpha for"), "\(status)")
            #expect(status.contains("Terminal: followed through Codex's daemon"), "\(status)")
            harness.workspace.fake.release("slow")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the desk's card") {
                $0.contains("From the terminal")
            }
            #expect(card.text.hasPrefix("✅ Done · alpha"), "\(card.text)")
            #expect(card.text.contains("Finished the slow job."))
            try await terminal.waitForScreen("the answer in the terminal") { $0.contains("Finished the slow job.") }
        }
    }

    /// A desk turn asks to run a command, nobody answers at the terminal: after the grace the phone gets
    /// the request with the usual buttons; a stranger's tap changes nothing; the owner's Approve runs it
    /// and the terminal shows the turn finishing.
    @Test(.enabled(if: TerminalCodex.isAvailable, Comment(rawValue: TerminalCodex.missingMessage)))
    func aDeskRequestIsApprovedOnThePhone() async throws {
        try await withDeskStory { harness, terminal, events in
            try await Self.warmUp(harness, terminal, events)
            let command = "echo desk >> \(Self.marker)"
            harness.workspace.fake.script(
                "desk risky", [.escalatedShell(command, justification: "Write the marker"), .message("Wrote the marker.")])
            try await terminal.type("desk risky")
            let request = try await harness.approvalRequest()
            #expect(request.text.hasPrefix("🔐 Codex asks for approval · alpha · at the terminal"), "\(request.text)")
            #expect(request.text.contains(command))
            #expect(request.buttons.flatMap { $0 }.count == 4)
            let strangers = try harness.tap("Approve", on: request, as: BotHarness.stranger)
            #expect(try await harness.tapAnswer(strangers) == "Not allowed.")
            // The request still waits, its buttons in place, and nothing ran.
            let waiting = try await harness.ownerSays("/status").last?.text ?? ""
            #expect(waiting.contains("⏸ Waiting"), "\(waiting)")
            #expect(harness.telegram.buttons(of: request.messageID).flatMap { $0 }.count == 4)
            #expect(!FileManager.default.fileExists(atPath: harness.alpha + "/" + Self.marker))
            #expect(try await harness.tapAnswer(try harness.tap("Approve", on: request)) == "Approved")
            try await terminal.waitForScreen("the turn finishing in the terminal") { $0.contains("Wrote the marker.") }
            #expect((try? String(contentsOfFile: harness.alpha + "/" + Self.marker, encoding: .utf8)) == "desk\n")
            try await harness.telegram.waitUntil("the request to say who decided") { fake in
                fake.currentText(of: request.messageID)?.contains("✅ Approved from Telegram") == true
            }
            #expect(harness.telegram.buttons(of: request.messageID).isEmpty)
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the desk's card") {
                $0.contains("Wrote the marker.")
            }
            #expect(card.text.contains("From the terminal"))
        }
    }

    /// The same request answered at the terminal first: the phone's message says it was decided there,
    /// and its buttons are gone.
    @Test(.enabled(if: TerminalCodex.isAvailable, Comment(rawValue: TerminalCodex.missingMessage)))
    func aDeskRequestAnsweredAtTheTerminalFirstSaysSoOnThePhone() async throws {
        try await withDeskStory { harness, terminal, events in
            try await Self.warmUp(harness, terminal, events)
            let command = "echo desk >> \(Self.marker)"
            harness.workspace.fake.script(
                "desk decides", [.escalatedShell(command, justification: "Write the marker"), .message("Wrote it at the desk.")])
            try await terminal.type("desk decides")
            let request = try await harness.approvalRequest()
            try await terminal.waitForScreen("the terminal's own prompt") { $0.contains("Yes, proceed") }
            try await terminal.press("y")
            try await harness.telegram.waitUntil("the request to say it was decided at the terminal") { fake in
                fake.currentText(of: request.messageID)?.contains("🖥 Decided at the terminal") == true
            }
            #expect(harness.telegram.buttons(of: request.messageID).isEmpty)
            try await terminal.waitForScreen("the turn finishing in the terminal") { $0.contains("Wrote it at the desk.") }
            #expect(try await harness.tapAnswer(try harness.tap("Approve", on: request)) == "This request has expired.")
        }
    }

    static let marker = "desk-marker.txt"

    /// A first exchange in the terminal, until the companion follows its session: a request sent
    /// before that (in the first moments of a brand-new session) is not seen by the companion.
    static func warmUp(_ harness: BotHarness, _ terminal: TerminalCodex, _ events: AsyncStream<DeskWatcher.Event>) async throws {
        harness.workspace.fake.script("desk hello", [.message("Hello from the desk.")])
        var seen = events.makeAsyncIterator()
        try await terminal.type("desk hello")
        while let event = await seen.next() {
            if case .following = event { break }
        }
        try await terminal.waitForScreen("the first answer") { $0.contains("Hello from the desk.") }
        _ = try await harness.telegram.waitForMessage(to: BotHarness.owner, "the first card") { $0.contains("Hello from the desk.") }
    }

    /// The terminal UI open in alpha (its daemon started), the companion following it with a one-second
    /// grace for desk requests, and the owner's chat on alpha.
    /// `body` also gets what the companion's desk watcher sees.
    private func withDeskStory(
        _ body: (BotHarness, TerminalCodex, AsyncStream<DeskWatcher.Event>) async throws -> Void
    ) async throws {
        try await withBotHarness(engine: .appServer, approvals: ["desk_grace_seconds": 1]) { harness in
            let home = harness.workspace.codexHome
            let terminal = try await TerminalCodex.start(in: harness.alpha, workspace: harness.workspace)
            do {
                let (events, seen) = AsyncStream<DeskWatcher.Event>.makeStream()
                let daemon = try harness.startDaemon(onDeskEvent: { seen.yield($0) })
                _ = try await harness.ownerSays("/project alpha")
                try await body(harness, terminal, events)
                await daemon.stop()
            } catch {
                await terminal.quit()
                await CodexDaemonControl.stop(codexHome: home)
                throw error
            }
            await terminal.quit()
            await CodexDaemonControl.stop(codexHome: home)
        }
    }
}
