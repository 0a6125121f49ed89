import CodexAdapter
import CompanionCore
import PortFakes
import Synchronization
import Testing

/// Codex children start one after another (two starting together on a fresh CODEX_HOME can fail), and
/// the runs then go on side by side.
struct OneStartAtATimeTests {
    @Test func aStartWaitsUntilTheRunBeforeItHasItsThread() async throws {
        let codex = ScriptedCodexRunner()
        codex.script("first", [])
        codex.script("second", [.threadStarted(threadID: "t2")])
        let queued = OneShot<Void>()
        let started = OneShot<Void>()
        let runner = OneStartAtATime(codex, onWait: { queued.fulfil(()) })
        async let first = runner.run(
            CodexRunRequest(repoPath: "/r", prompt: "first"), control: nil, onProcessStarted: { _ in started.fulfil(()) },
            onEvent: { _ in })
        await started.wait()
        async let second = runner.run(CodexRunRequest(repoPath: "/r", prompt: "second"), onEvent: { _ in })
        await queued.wait()
        // The first run has no thread yet, so the second one waits in line and has not reached Codex.
        #expect(codex.requests.map(\.prompt) == ["first"])
        codex.open("first")
        _ = try await first
        codex.open("second")
        _ = try await second
        #expect(codex.requests.map(\.prompt) == ["first", "second"])
    }

    @Test func onceTheFirstHasItsThreadTheNextStartsWhileItRuns() async throws {
        let codex = ScriptedCodexRunner()
        codex.script("first", [.threadStarted(threadID: "t1")])
        codex.script("second", [.threadStarted(threadID: "t2")])
        let runner = OneStartAtATime(codex)
        let secondStarted = OneShot<Void>()
        async let first = runner.run(CodexRunRequest(repoPath: "/r", prompt: "first"), onEvent: { _ in })
        async let second = runner.run(
            CodexRunRequest(repoPath: "/r", prompt: "second"), control: nil, onProcessStarted: { _ in secondStarted.fulfil(()) },
            onEvent: { _ in })
        // Both run at once: the second starts while the first still waits for its gate.
        await secondStarted.wait()
        #expect(codex.running == ["first", "second"])
        codex.open("first")
        codex.open("second")
        _ = try await (first, second)
    }

    @Test func aRunThatFailsBeforeItsThreadLetsTheNextStart() async throws {
        let codex = ScriptedCodexRunner()
        codex.script("broken", [.turnFailed(message: "no thread")])
        codex.open("broken")
        codex.script("next", [])
        codex.open("next")
        let runner = OneStartAtATime(codex)
        _ = try await runner.run(CodexRunRequest(repoPath: "/r", prompt: "broken"), onEvent: { _ in })
        _ = try await runner.run(CodexRunRequest(repoPath: "/r", prompt: "next"), onEvent: { _ in })
        #expect(codex.requests.map(\.prompt) == ["broken", "next"])
    }
}
