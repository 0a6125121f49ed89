import CompanionCore
import Foundation
import TestSupport
import Testing

/// Queueing, cancelling, timeouts, long prompts and shutdown, with the REAL codex.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)), .timeLimit(.minutes(5)))
struct BotExecutionTests {
    typealias Owner = BotHarness

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func oneTaskPerProjectAtATimeAndProjectsInParallel(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            let fake = harness.workspace.fake
            let telegram = harness.telegram
            // The first task runs until beta has started, however slow the machine.
            fake.script("first task", [.heldMessage("First done.", until: "first")])
            fake.script("second task", [.message("Second done.")])
            fake.script("beta work", [.slowMessage("Beta done.", delay: .seconds(1))])
            _ = try await harness.ownerSays("/project alpha")
            _ = try await harness.ownerSays("first task")
            // On app-server plain text would go into the running turn: /queue asks for a task of its own.
            let queued = try await harness.ownerSays(engine == .appServer ? "/queue second task" : "second task")
            #expect(
                queued[0].text == "Queued (#1 in line): alpha is busy with \"first task\". It starts by itself; /cancel queued drops it.")
            telegram.sendMessage(from: Owner.owner, text: "/status")
            let status = try await telegram.waitForMessage(to: Owner.owner, "with the status") { $0.hasPrefix("Project:") }
            #expect(status.text.contains("Running in alpha for"))
            #expect(status.text.contains("Queued #1 in alpha: \"second task\""))

            _ = try await harness.ownerSays("/project beta")
            let betaAck = try await harness.ownerSays("beta work")
            #expect(betaAck[0].text.hasPrefix("⏳ beta"))
            // beta started while alpha's first task was still running: the first result is not in yet.
            #expect(!telegram.messages(to: Owner.owner).contains { $0.text.contains("First done.") })
            fake.release("first")

            let second = try await telegram.waitForMessage(to: Owner.owner, "with the second result") { $0.contains("Second done.") }
            let texts = telegram.messages(to: Owner.owner).map(\.text)
            let firstIndex = try #require(texts.firstIndex { $0.contains("First done.") })
            let secondIndex = try #require(texts.firstIndex { $0.contains("Second done.") })
            #expect(firstIndex < secondIndex)
            _ = try await telegram.waitForMessage(to: Owner.owner, "with beta's result") { $0.contains("Beta done.") }
            // The queued task continued the first task's session.
            #expect(second.text.contains("Continued session"))
            #expect(fake.requests.last { $0.userPrompts.last == "second task" }?.userPrompts == ["first task", "second task"])
            await daemon.stop()
        }
    }

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func cancelStopsTheRunningTaskAndTheSessionStaysResumable(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            let telegram = harness.telegram
            // An answer an hour away: only the cancel can end the task before the harness gives up waiting.
            harness.workspace.fake.script("long job", [.slowMessage("never seen", delay: .seconds(3600))])
            harness.workspace.fake.script("follow up", [.message("Picked up again.")])
            _ = try await harness.ownerSays("/project alpha")
            #expect(try await harness.ownerSays("/cancel")[0].text == "Nothing is running.")
            _ = try await harness.ownerSays("long job")
            await harness.workspace.fake.waitForRequests(1)
            #expect(harness.workspace.fake.requests.last?.userPrompts.last == "long job")
            telegram.sendMessage(from: Owner.owner, text: "/cancel")
            let stopping = try await telegram.waitForMessage(to: Owner.owner, "saying it stops") { $0.hasPrefix("Stopping the task") }
            #expect(stopping.text == "Stopping the task in alpha: \"long job\"…")
            let result = try await telegram.waitForMessage(to: Owner.owner, "with the cancelled result") { $0.hasPrefix("⏹ Cancelled") }
            #expect(result.text.contains("The session is kept"))
            let stored = try #require(try await daemon.database.lastTask(project: "alpha"))
            #expect(stored.status == .cancelled)

            let followUp = try await harness.ownerSays("follow up", expecting: 2)
            #expect(followUp[1].text.contains("Picked up again."))
            #expect(harness.workspace.fake.requests.last?.userPrompts == ["long job", "follow up"])
            await daemon.stop()
        }
    }

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func queuedTasksCanBeDropped(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            harness.workspace.fake.script("slow one", [.heldMessage("Slow done.", until: "slow")])
            _ = try await harness.ownerSays("/project alpha")
            _ = try await harness.ownerSays("slow one")
            _ = try await harness.ownerSays(engine == .appServer ? "/queue waiting one" : "waiting one")
            let dropped = try await harness.ownerSays("/cancel queued")
            #expect(dropped[0].text == "Dropped 1 queued task.")
            harness.workspace.fake.release("slow")
            try await harness.telegram.waitForMessage(to: Owner.owner, "with the slow result") { $0.contains("Slow done.") }
            // Give the queue its chance to (wrongly) start the dropped task: /status answers after it would have.
            let status = try await harness.ownerSays("/status")
            #expect(status[0].text.contains("Idle"))
            #expect(!harness.workspace.fake.requests.contains { $0.userPrompts.contains("waiting one") })
            await daemon.stop()
        }
    }

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func aTaskWithoutProgressTimesOut(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine, limits: ["idle_timeout_minutes": 0.03]) { harness in
            let daemon = try harness.startDaemon()
            harness.workspace.fake.script("stuck", [.slowMessage("never seen", delay: .seconds(60))])
            _ = try await harness.ownerSays("/project alpha")
            _ = try await harness.ownerSays("stuck forever")
            let result = try await harness.telegram.waitForMessage(to: Owner.owner, "with the timeout") { $0.hasPrefix("❌ Failed") }
            #expect(result.text.contains("Timed out: Codex showed no progress for 2 s."))
            #expect(try await daemon.database.lastTask(project: "alpha")?.status == .failed)
            await daemon.stop()
        }
    }

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func aLongMessageSplitByTelegramRunsAsOnePrompt(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            _ = try await harness.ownerSays("/project alpha")
            let first = "Refactor plan. " + String(repeating: "step ", count: 700)
            harness.telegram.sendMessage(from: Owner.owner, text: first)
            harness.telegram.sendMessage(from: Owner.owner, text: "and the final part")
            try await harness.telegram.waitForMessage(to: Owner.owner, "with the result") { $0.hasPrefix("✅ Done") }
            let prompts = harness.workspace.fake.requests.map { $0.userPrompts.last ?? "" }
            #expect(prompts.count == 1)
            #expect(prompts.first?.hasPrefix("Refactor plan.") == true)
            #expect(prompts.first?.hasSuffix("step\nand the final part") == true)
            #expect(harness.telegram.messages(to: Owner.owner).filter { $0.text.hasPrefix("⏳ alpha") }.count == 1)
            await daemon.stop()
        }
    }

    /// Starts an endless task on a fresh daemon and waits until Codex has asked the model.
    func startEndlessTask(_ harness: BotHarness, gracefulShutdownLimit: Duration? = nil) async throws -> RunningDaemon {
        let daemon = try harness.startDaemon(gracefulShutdownLimit: gracefulShutdownLimit)
        harness.workspace.fake.script("endless", [.slowMessage("never seen", delay: .seconds(3600))])
        _ = try await harness.ownerSays("/project alpha")
        _ = try await harness.ownerSays("endless work")
        await harness.workspace.fake.waitForRequests(1)
        return daemon
    }

    /// After a stop: the user is told once of the interrupted task, at the stop, or, when the shutdown
    /// limit cut the delivery short (a loaded machine: the whole suite runs at once), by the next start;
    /// after that restart nothing is sent again, and the bot answers as usual.
    func expectToldOnceOfTheInterruption(_ harness: BotHarness) async throws {
        let told: @Sendable (String) -> Bool = { text in
            text.hasPrefix("⚠️ Interrupted") || text.contains("which ended while the companion was stopped")
        }
        let second = try harness.startDaemon()
        try await harness.telegram.waitUntil("the interruption told") { fake in
            fake.messages(to: Owner.owner).contains { told($0.text) }
        }
        _ = try await harness.ownerSays("/status")
        #expect(harness.telegram.messages(to: Owner.owner).filter { told($0.text) }.count == 1)
        await second.stop()
    }

    /// A shutdown that runs out of time (on a loaded machine) cancels what is left: the task's end is still
    /// recorded, never left `running`, and the user is told once.
    @Test(arguments: CodexEngine.allCases) func aShutdownOutOfTimeStillRecordsTheTasksEnd(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try await startEndlessTask(harness, gracefulShutdownLimit: .milliseconds(50))
            _ = await daemon.stop()
            let task = try #require(try await daemon.database.lastTask(project: "alpha"))
            #expect(task.status != .running, "\(task.status)")
            try await expectToldOnceOfTheInterruption(harness)
        }
    }

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func shutdownInterruptsRunningCodexAndTellsTheUserOnce(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let first = try await startEndlessTask(harness)
            // The answer is an hour away: the stop ends the task, or the suite's time limit fails the test.
            _ = await first.stop()
            let task = try #require(try await first.database.lastTask(project: "alpha"))
            #expect(task.status == .interrupted)
            try await expectToldOnceOfTheInterruption(harness)
        }
    }
}
