import CodexAdapter
import CompanionCore
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The app-server engine with the REAL codex against the fake Responses server: sessions, resume,
/// approvals, stopping, steering, failures, and the writer lock released when a run ends.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)), .timeLimit(.minutes(3)))
struct AppServerRunnerTests {
    @Test func aNewSessionRunsACommandAndAPatch() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script(
                "write the notes",
                [
                    .shell("echo hello-from-shell"),
                    .patch("*** Begin Patch\n*** Add File: notes.md\n+# Notes\n*** End Patch"),
                    .message("Notes written."),
                ])
            let log = EventLog()
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "write the notes"), onEvent: log.append)
            #expect(result.succeeded, "\(result.stderrTail)")
            #expect(result.exitCode == 0)
            #expect(result.turn.finalMessage == "Notes written.")
            // The command is recorded; its output may be empty when a loaded machine starts it slower than
            // Codex's unified exec waits before it answers the model.
            #expect(result.turn.commands.map(\.command).contains { $0.contains("echo hello-from-shell") })
            #expect(result.turn.filesChanged == [FileChange(path: repo + "/notes.md", kind: .add)])
            #expect(FileManager.default.fileExists(atPath: repo + "/notes.md"))
            #expect(result.turn.cumulativeUsage?.inputTokens ?? 0 > 0)
            let events = log.events
            guard case .threadStarted(let thread) = events.first else {
                Issue.record("the first event is not threadStarted: \(events)")
                return
            }
            #expect(result.turn.threadID == thread)
            #expect(events.filter { $0 == .turnStarted }.count == 1)
            #expect(
                events.contains(
                    .itemCompleted(CodexItem(id: itemID(of: events, "write the notes"), kind: .userMessage(text: "write the notes")))))
            #expect(!result.stdoutTail.isEmpty)
        }
    }

    @Test func resumingByIDContinuesTheThread() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let runner = runner(workspace, binary)
            let first = try await runner.run(CodexRunRequest(repoPath: repo, prompt: "remember the word apple"), onEvent: { _ in })
            let thread = try #require(first.turn.threadID)
            let second = try await runner.run(
                CodexRunRequest(repoPath: repo, prompt: "which word was it?", resumeThreadID: thread), onEvent: { _ in })
            #expect(second.succeeded, "\(second.stderrTail)")
            #expect(second.turn.threadID == thread)
            #expect(workspace.fake.requests.last?.userPrompts == ["remember the word apple", "which word was it?"])
        }
    }

    @Test func anUnknownThreadFailsWithCodexsMessage() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let unknown = "00000000-0000-0000-0000-000000000000"
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "hello?", resumeThreadID: unknown), onEvent: { _ in })
            #expect(!result.succeeded)
            #expect(result.turn.failureMessage?.contains("no rollout found for thread id \(unknown)") == true)
            #expect(workspace.fake.requests.isEmpty)
        }
    }

    @Test func anApprovedCommandRunsAndTheApproverSeesWhatItIs() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script(
                "touch the marker",
                [.escalatedShell("touch approved-marker && echo escalated-ok", justification: "Create the marker?"), .message("Marked.")])
            let approver = Approver(.accept)
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "touch the marker"), control: approver.control, onEvent: { _ in })
            #expect(result.succeeded, "\(result.stderrTail)")
            let asked = try #require(approver.requests.first)
            #expect(approver.requests.count == 1)
            guard case .command(let command, let cwd) = asked.action else {
                Issue.record("not a command: \(asked)")
                return
            }
            #expect(command.contains("touch approved-marker && echo escalated-ok"))
            #expect(cwd == repo)
            #expect(asked.reason == "Create the marker?")
            #expect(!asked.turnID.isEmpty && !asked.itemID.isEmpty)
            #expect(FileManager.default.fileExists(atPath: repo + "/approved-marker"))
            #expect(result.turn.commands.first?.aggregatedOutput.contains("escalated-ok") == true)
            #expect(result.turn.commands.first?.status == .completed)
        }
    }

    @Test func aDeclinedCommandIsDeclinedAndTheTurnCompletes() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script(
                "touch the marker",
                [.escalatedShell("touch declined-marker", justification: "Create the marker?"), .message("Fine, I won't.")])
            let approver = Approver(.decline)
            let log = EventLog()
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "touch the marker"), control: approver.control, onEvent: log.append)
            #expect(result.succeeded, "\(result.stderrTail)")
            #expect(approver.requests.count == 1)
            #expect(!FileManager.default.fileExists(atPath: repo + "/declined-marker"))
            let declined = log.events.contains { event in
                guard case .itemCompleted(let item) = event, case .commandExecution(let command) = item.kind else { return false }
                return command.status == .declined
            }
            #expect(declined, "\(log.events)")
            #expect(result.turn.finalMessage == "Fine, I won't.")
        }
    }

    @Test func approvingForTheSessionIsNotAskedAgain() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let command = "echo again >> session-marker"
            workspace.fake.script(
                "twice please",
                [
                    .escalatedShell(command, justification: "Append?"), .escalatedShell(command, justification: "Append?"),
                    .message("Appended twice."),
                ])
            let approver = Approver(.acceptForSession)
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "twice please"), control: approver.control, onEvent: { _ in })
            #expect(result.succeeded, "\(result.stderrTail)")
            #expect(approver.requests.count == 1)
            let lines = try String(contentsOfFile: repo + "/session-marker", encoding: .utf8).split(separator: "\n")
            #expect(lines == ["again", "again"])
        }
    }

    /// The fake model, like a real one, waits on a command Codex returned while it still ran: the turn
    /// ends after the command has, so what it wrote is there when the result is.
    @Test func aCommandStillRunningWhenCodexAnswersIsWaitedFor() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script(
                "slow command",
                [.shellYielding("sleep 2; echo late > late.txt", after: .milliseconds(250)), .message("Waited for it.")])
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "slow command"), onEvent: { _ in })
            #expect(result.succeeded, "\(result.stderrTail)")
            #expect(result.turn.finalMessage == "Waited for it.")
            #expect(FileManager.default.fileExists(atPath: repo + "/late.txt"))
            // The command, at least one wait on it, then the answer.
            #expect(workspace.fake.requests.count >= 3, "\(workspace.fake.requests.map(\.toolOutputs))")
        }
    }

    @Test func stoppingWhileAnApprovalWaitsEndsTheChild() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("touch the marker", [.escalatedShell("touch stopped-marker", justification: "Create it?")])
            let control = RunControl()
            let asked = OneShot<Void>()
            // Like the approval broker: the request waits until the task stops, then it is cancelled.
            control.channel.setApprover { _ in
                asked.fire()
                _ = await control.waitForStop()
                return .cancel
            }
            let pid = Mutex<Int32>(0)
            async let run = runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "touch the marker"), control: control,
                onProcessStarted: { id in pid.withLock { $0 = id } }, onEvent: { _ in })
            await asked.wait()
            // The approver waits for the stop, so the run ends only because of it (no time bound: a loaded
            // machine may take its time, and the grace periods are the runner's own).
            control.stop(.user)
            let result = try await run
            #expect(!result.succeeded)
            #expect(!FileManager.default.fileExists(atPath: repo + "/stopped-marker"))
            let child = pid.withLock { $0 }
            #expect(child > 0)
            #expect(kill(child, 0) == -1)
        }
    }

    @Test func steeringDuringAStreamedAnswerJoinsTheTurn() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("tell a story", [.streamedMessage(["Once ", "upon ", "a ", "time."], pause: .milliseconds(600))])
            workspace.fake.script("mention bananas", [.message("Bananas, too.")])
            let control = RunControl()
            let log = EventLog()
            async let run = runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "tell a story"), control: control, onEvent: log.append)
            await log.wait(until: { events in events.contains { if case .agentMessageDelta = $0 { true } else { false } } })
            #expect(await control.channel.steer("also mention bananas") == .added)
            let result = try await run
            #expect(result.succeeded, "\(result.stderrTail)")
            let events = log.events
            #expect(events.filter { if case .agentMessageDelta = $0 { true } else { false } }.count >= 2)
            #expect(events.filter { if case .turnCompleted = $0 { true } else { false } }.count == 1)
            #expect(
                events.contains { event in
                    if case .itemCompleted(let item) = event, item.kind == .userMessage(text: "also mention bananas") { return true }
                    return false
                })
            #expect(workspace.fake.requests.last?.userPrompts == ["tell a story", "also mention bananas"])
            // Both answers stay readable, the added text quoted between them. Codex 0.147 finishes the first
            // answer before it reads the added text; 0.163 cuts it short and never completes it: the first
            // answer is then what was streamed of it.
            let firstItem = events.lazy.compactMap { event -> String? in
                if case .agentMessageDelta(let itemID, _) = event { return itemID }
                return nil
            }.first
            let firstAnswer = events.compactMap { event -> String? in
                if case .agentMessageDelta(let itemID, let delta) = event, itemID == firstItem { return delta }
                return nil
            }.joined()
            #expect(firstAnswer.hasPrefix("Once "))
            let answer = result.turn.finalMessage ?? ""
            #expect(answer.hasPrefix(firstAnswer), "\(answer)")
            #expect(answer.contains("also mention bananas"), "\(answer)")
            #expect(answer.hasSuffix("Bananas, too."), "\(answer)")
            #expect(await control.channel.steer("too late") == .unsupported)
        }
    }

    @Test func aRunStoppedBeforeItsTurnEndsAtOnce() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let control = RunControl()
            control.stop(.shutdown)
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "never mind"), control: control, onEvent: { _ in })
            // Codex is never asked: no model request, and no waiting for one.
            #expect(!result.succeeded)
            #expect(workspace.fake.requests.isEmpty)
        }
    }

    @Test func resumingAThreadOpenElsewhereFailsWithCodexsMessage() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("hold the session", [.slowMessage("done holding", delay: .seconds(30))])
            let holder = RunControl()
            let thread = Mutex<String?>(nil)
            async let held = CodexProcessRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment)
                .run(
                    CodexRunRequest(repoPath: repo, prompt: "hold the session"), control: holder,
                    onEvent: { event in
                        if case .threadStarted(let id) = event { thread.withLock { $0 = id } }
                    })
            // Once the exec turn reached the model, its thread is on disk and busy until it is stopped.
            await workspace.fake.waitForRequests(1)
            let busy = try #require(thread.withLock { $0 })
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "me too", resumeThreadID: busy), onEvent: { _ in })
            holder.stop(.user)
            _ = try await held
            #expect(!result.succeeded)
            #expect(result.turn.failureMessage?.contains("already has an active writer") == true, "\(result.turn)")
            #expect(workspace.fake.requests.count == 1)
        }
    }

    @Test func aChildThatDiesEndsTheRunAtOnce() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("take your time", [.slowMessage("never seen", delay: .seconds(3600))])
            let started = OneShot<Void>()
            let pid = Mutex<Int32>(0)
            let control = RunControl()
            async let run = runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "take your time"), control: control,
                onProcessStarted: { id in
                    pid.withLock { $0 = id }
                    started.fire()
                }, onEvent: { _ in })
            await started.wait()
            await workspace.fake.waitForRequests(1)
            kill(pid.withLock { $0 }, SIGKILL)
            // The model's answer is an hour away: the run ends because the child died, or the suite's time
            // limit fails the test.
            let result = try await run
            #expect(!result.succeeded)
            #expect(result.signal == SIGKILL)
            #expect(result.failureReason == "Codex was stopped by signal \(SIGKILL).")
            #expect(await control.channel.steer("anyone there?") == .unsupported)
        }
    }

    @Test func aModelErrorFailsTheTurnReadably() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("server error", [.httpError(500)])
            let result = try await runner(workspace, binary).run(CodexRunRequest(repoPath: repo, prompt: "server error"), onEvent: { _ in })
            #expect(!result.succeeded)
            #expect(result.turn.failureMessage != nil)
            let reason = try #require(result.failureReason)
            #expect(reason.hasPrefix("Codex said:") && reason.count > "Codex said: ".count, "\(reason)")
        }
    }

    @Test func theTerminalCanResumeTheThreadRightAfterARun() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let result = try await runner(workspace, binary).run(
                CodexRunRequest(repoPath: repo, prompt: "from the phone"), onEvent: { _ in })
            #expect(result.succeeded, "\(result.stderrTail)")
            let thread = try #require(result.turn.threadID)
            let exitCode = try await resumeInTerminal(
                binary: binary, codexHome: workspace.codexHome, thread: thread, repo: repo, prompt: "from the desk")
            #expect(exitCode == 0)
            #expect(workspace.fake.requests.last?.userPrompts == ["from the phone", "from the desk"])
        }
    }

    // MARK: - Helpers

    private func runner(_ workspace: CodexWorkspace, _ binary: String) -> AppServerRunner {
        AppServerRunner(
            binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment, interruptGrace: .seconds(2))
    }

    private func itemID(of events: [CodexEvent], _ text: String) -> String {
        for case .itemStarted(let item) in events where item.kind == .userMessage(text: text) { return item.id }
        return ""
    }
}

/// `codex exec resume <thread> -` in the repository, as the user types it at the desk; its exit code.
func resumeInTerminal(binary: String, codexHome: String, thread: String, repo: String, prompt: String) async throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["exec", "--json", "-s", "workspace-write", "resume", thread, "-"]
    process.currentDirectoryURL = URL(fileURLWithPath: repo)
    process.environment = ProcessInfo.processInfo.environment.merging(["CODEX_HOME": codexHome]) { $1 }
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    return try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try process.run()
        } catch {
            return continuation.resume(throwing: error)
        }
        input.fileHandleForWriting.write(Data(prompt.utf8))
        try? input.fileHandleForWriting.close()
    }
}

/// Every event of a run as it arrives; tests wait on them instead of sleeping.
final class EventLog: Sendable {
    private let events_ = Mutex<[CodexEvent]>([])
    private let changed = Waiters()

    var events: [CodexEvent] { events_.withLock { $0 } }

    @Sendable func append(_ event: CodexEvent) {
        events_.withLock { $0.append(event) }
        changed.wakeAll()
    }

    /// Returns once `condition` holds for the events seen (or the test is cancelled).
    func wait(until condition: @escaping @Sendable ([CodexEvent]) -> Bool) async {
        while !condition(events), !Task.isCancelled {
            await changed.wait(unless: { condition(self.events) })
        }
    }
}

/// A channel approver that answers every request with one decision and keeps what it was asked.
final class Approver: Sendable {
    let control = RunControl()
    private let asked = Mutex<[ApprovalRequest]>([])

    init(_ decision: ApprovalDecision) {
        control.channel.setApprover { request in
            self.asked.withLock { $0.append(request) }
            return decision
        }
    }

    var requests: [ApprovalRequest] { asked.withLock { $0 } }
}

/// Suspended tasks that a change wakes; a cancelled task wakes at once.
final class Waiters: Sendable {
    private let state = Mutex<(next: Int, waiting: [Int: CheckedContinuation<Void, Never>])>((0, [:]))

    /// Suspends unless `ready()` already holds; returns on the next `wakeAll` or on cancellation.
    func wait(unless ready: @escaping @Sendable () -> Bool) async {
        let id = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if ready() || Task.isCancelled { return true }
                    state.waiting[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
        }
    }

    func wakeAll() {
        let waiting = state.withLock { state in
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        waiting.forEach { $0.resume() }
    }
}
