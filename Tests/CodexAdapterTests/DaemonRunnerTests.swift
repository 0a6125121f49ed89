import CompanionCore
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import CodexAdapter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns through Codex's own daemon (Codex 0.151+): the REAL daemon, started in the test's CODEX_HOME with
/// `codex app-server daemon start` as the terminal leaves it behind, and the fake model.
@Suite(
    .enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)),
    .enabled(if: CodexDaemonControl.isSupported, Comment(rawValue: CodexDaemonControl.missingMessage)),
    .timeLimit(.minutes(3)))
struct DaemonRunnerTests {
    @Test func aTurnRunsThroughTheDaemonAndTheNextContinuesItsThread() async throws {
        try await withDaemon { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("remember", [.shell("echo from-the-daemon > daemon.txt"), .message("Remembered.")])
            let log = EventLog()
            let first = try await daemon(workspace).run(CodexRunRequest(repoPath: repo, prompt: "remember apple"), onEvent: log.append)
            #expect(first.succeeded, "\(first.turn)")
            #expect(first.turn.finalMessage == "Remembered.")
            #expect(FileManager.default.fileExists(atPath: repo + "/daemon.txt"))
            #expect(log.events.contains { if case .agentMessageDelta = $0 { true } else { false } }, "the answer streams")
            let thread = try #require(first.turn.threadID)
            let way = await PreferDaemon(
                daemon(workspace),
                otherwise: AppServerRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment)
            )
            .currentWay()
            #expect(way?.hasPrefix("through Codex's daemon (Codex 0.") == true, "\(way ?? "nil")")
            let second = try await daemon(workspace).run(
                CodexRunRequest(repoPath: repo, prompt: "which fruit?", resumeThreadID: thread), onEvent: { _ in })
            #expect(second.succeeded, "\(second.turn)")
            #expect(second.turn.threadID == thread)
            #expect(workspace.fake.requests.last?.userPrompts == ["remember apple", "which fruit?"])
        }
    }

    /// The bug of Codex 0.151+: the daemon keeps the thread and its writer lock after the terminal is done,
    /// so `codex exec resume` is refused; the companion goes through the daemon and continues the thread.
    @Test func aThreadTheDaemonHoldsIsContinuedThroughIt() async throws {
        try await withDaemon { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let desk = try await daemon(workspace).run(CodexRunRequest(repoPath: repo, prompt: "at the desk"), onEvent: { _ in })
            let thread = try #require(desk.turn.threadID)
            // Held: a second writer is refused.
            let refused = try await resumeInTerminal(
                binary: binary, codexHome: workspace.codexHome, thread: thread, repo: repo, prompt: "second writer")
            #expect(refused != 0)
            let runner = PreferDaemon(
                daemon(workspace),
                otherwise: CodexProcessRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment))
            let phone = try await runner.run(
                CodexRunRequest(repoPath: repo, prompt: "from the phone", resumeThreadID: thread), onEvent: { _ in })
            #expect(phone.succeeded, "\(phone.turn)")
            #expect(workspace.fake.requests.last?.userPrompts == ["at the desk", "from the phone"])
            #expect(workspace.fake.requests.last?.threadID == thread)
        }
    }

    @Test func anApprovalIsAskedAndTheApprovedCommandRuns() async throws {
        try await withDaemon { workspace, _ in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script(
                "risky", [.escalatedShell("echo yes > approved.txt", justification: "Write it?"), .message("Wrote it.")])
            let approver = Approver(.accept)
            let result = try await daemon(workspace).run(
                CodexRunRequest(repoPath: repo, prompt: "risky"), control: approver.control, onEvent: { _ in })
            #expect(result.succeeded, "\(result.turn)")
            #expect(approver.requests.count == 1)
            #expect(FileManager.default.fileExists(atPath: repo + "/approved.txt"))
        }
    }

    @Test func aStopInterruptsTheTurnAndTheThreadStaysUsable() async throws {
        try await withDaemon { workspace, _ in
            let repo = try await workspace.makeRepository("alpha")
            // An answer an hour away: only the stop ends the turn before the suite's time limit.
            workspace.fake.script("long job", [.slowMessage("never seen", delay: .seconds(3600))])
            let control = RunControl()
            let log = EventLog()
            async let run = daemon(workspace).run(
                CodexRunRequest(repoPath: repo, prompt: "long job"), control: control, onEvent: log.append)
            await workspace.fake.waitForRequests(1)
            control.stop(.user)
            let result = try await run
            #expect(!result.succeeded)
            let thread = try #require(result.turn.threadID)
            let next = try await daemon(workspace).run(
                CodexRunRequest(repoPath: repo, prompt: "next one", resumeThreadID: thread), onEvent: { _ in })
            #expect(next.succeeded, "\(next.turn)")
        }
    }

    /// One connection while the daemon runs: later turns, and turns that run at the same time, share the
    /// first turn's.
    @Test func turnsShareOneConnectionWhileTheDaemonRuns() async throws {
        try await withDaemon { workspace, _ in
            let repo = try await workspace.makeRepository("alpha")
            let other = try await workspace.makeRepository("beta")
            workspace.fake.script("alpha again", [.message("Alpha.")])
            workspace.fake.script("beta", [.message("Beta.")])
            let runner = daemon(workspace)
            let first = try await runner.run(CodexRunRequest(repoPath: repo, prompt: "first"), onEvent: { _ in })
            #expect(first.succeeded, "\(first.turn)")
            async let alpha = runner.run(
                CodexRunRequest(repoPath: repo, prompt: "alpha again", resumeThreadID: first.turn.threadID), onEvent: { _ in })
            async let beta = runner.run(CodexRunRequest(repoPath: other, prompt: "beta"), onEvent: { _ in })
            let (again, besides) = try await (alpha, beta)
            #expect(again.succeeded && besides.succeeded, "\(again.turn) \(besides.turn)")
            #expect(again.turn.threadID == first.turn.threadID)
            #expect(besides.turn.threadID != first.turn.threadID)
            // Each turn got its own thread's messages, not the other's.
            #expect(again.turn.finalMessage == "Alpha." && besides.turn.finalMessage == "Beta.")
            #expect(await runner.links.opened == 1)
        }
    }

    /// The daemon dies in the middle of a turn: the turn is reported cut short, not lost and not hung;
    /// once the daemon is back, the next turn connects anew and continues the thread.
    @Test func aDaemonThatDiesMidTurnEndsTheTurnAndTheNextReconnects() async throws {
        try await withDaemon { workspace, _ in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("held", [.heldMessage("never seen", until: "daemon-stop")])
            let runner = daemon(workspace)
            async let run = runner.run(CodexRunRequest(repoPath: repo, prompt: "held"), onEvent: { _ in })
            await workspace.fake.waitForRequests(1)
            CodexDaemonControl.crash(codexHome: workspace.codexHome)
            let cut = try await run
            #expect(!cut.succeeded)
            #expect(cut.turn.failureMessage?.contains("connection to Codex's daemon ended") == true, "\(cut.turn)")
            let thread = try #require(cut.turn.threadID)
            try await CodexDaemonControl.start(codexHome: workspace.codexHome)
            let next = try await runner.run(
                CodexRunRequest(repoPath: repo, prompt: "after the restart", resumeThreadID: thread), onEvent: { _ in })
            #expect(next.succeeded, "\(next.turn)")
            #expect(next.turn.threadID == thread)
            #expect(await runner.links.opened == 2)
            workspace.fake.release("daemon-stop")
        }
    }

    /// A daemon that hangs after the connection is open (stopped with SIGSTOP): the turn does not wait
    /// for it forever; the connection is dropped, and the configured engine runs the turn.
    @Test func aDaemonThatHangsAfterConnectingIsPassedBy() async throws {
        try await withDaemon { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let daemon = DaemonRunner(
                socketPath: CodexDaemon.socketPath(codexHome: workspace.codexHome), interruptGrace: .seconds(2),
                answerLimit: .seconds(2))
            let runner = PreferDaemon(
                daemon,
                otherwise: AppServerRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment))
            let first = try await runner.run(CodexRunRequest(repoPath: repo, prompt: "through the daemon"), onEvent: { _ in })
            #expect(first.succeeded, "\(first.turn)")
            CodexDaemonControl.signal(SIGSTOP, codexHome: workspace.codexHome)
            defer { CodexDaemonControl.signal(SIGCONT, codexHome: workspace.codexHome) }
            let pid = Mutex<Int32>(0)
            let second = try await runner.run(
                CodexRunRequest(repoPath: repo, prompt: "while it hangs"), control: nil,
                onProcessStarted: { id in pid.withLock { $0 = id } }, onEvent: { _ in })
            #expect(second.succeeded, "\(second.turn)")
            #expect(pid.withLock { $0 } > 0, "a child of its own ran the turn")
            #expect(await daemon.links.opened == 2, "the hung connection was dropped and a new one tried")
        }
    }

    /// The desk: a turn another client of the daemon runs in a configured repository (the terminal UI
    /// is one) is reported when it ends, whether its thread was loaded before the watcher looked or
    /// started after; the phone's own turns and turns in other folders are not.
    @Test func aTurnAtTheDeskIsReportedWhenItEnds() async throws {
        try await withDaemon { workspace, _ in
            let repo = try await workspace.makeRepository("alpha")
            let elsewhere = try await workspace.makeRepository("elsewhere")
            let fake = workspace.fake
            let phone = daemon(workspace)
            let desk = daemon(workspace)  // a client of its own, as the terminal is
            // A desk turn already running when the watcher starts: found in the daemon's loaded list.
            fake.script("first desk job", [.heldMessage("First done.", until: "first")])
            async let first = desk.run(CodexRunRequest(repoPath: repo, prompt: "first desk job"), onEvent: { _ in })
            await fake.waitForRequests(1)

            let (events, sink) = AsyncStream<DeskWatcher.Event>.makeStream()
            let watcher = DeskWatcher(daemon: phone, repositories: [repo])
            let watching = Task { await watcher.follow { sink.yield($0) } }
            // What the watcher tells, without the running turns' progress (checked in the bot's desk tests).
            var seen = events.filter {
                switch $0 {
                case .connected, .turnProgressed: false
                default: true
                }
            }.makeAsyncIterator()
            guard case .following(let firstThread, _)? = await seen.next() else {
                Issue.record("the running desk thread was not followed")
                return
            }
            fake.release("first")
            #expect(try await first.turn.threadID == firstThread)
            guard case .turnEnded(let firstTurn)? = await seen.next() else {
                Issue.record("the desk turn's end was not reported")
                return
            }
            #expect(firstTurn.threadID == firstThread)
            #expect(firstTurn.record.finalMessage == "First done.")
            #expect(firstTurn.repoPath == DeskWatcher.resolved(repo))

            // The phone's own turn in the same thread, a desk turn in another folder: neither is the desk's.
            let phoneTurn = try await phone.run(
                CodexRunRequest(repoPath: repo, prompt: "from the phone", resumeThreadID: firstThread), onEvent: { _ in })
            #expect(phoneTurn.succeeded, "\(phoneTurn.turn)")
            _ = try await desk.run(CodexRunRequest(repoPath: elsewhere, prompt: "not ours"), onEvent: { _ in })
            // A new desk thread, started after the watcher: followed from its start, and its turn reported.
            fake.script("second desk job", [.heldMessage("Second done.", until: "second")])
            async let running = desk.run(CodexRunRequest(repoPath: repo, prompt: "second desk job"), onEvent: { _ in })
            guard case .following? = await seen.next() else {
                Issue.record("the new desk thread was not followed")
                return
            }
            fake.release("second")
            let second = try await running
            let next = await seen.next()
            guard case .turnEnded(let secondTurn)? = next else {
                Issue.record("the second desk turn was not reported: \(String(describing: next))")
                return
            }
            #expect(secondTurn.threadID == second.turn.threadID, "the phone's turn and the other folder's are not reported")
            #expect(secondTurn.record.finalMessage == "Second done.")

            // A new desk thread whose first turn ends before the watcher can follow it (Codex refuses to
            // resume a thread until its first turn is written): read back and told once.
            fake.script("quick desk job", [.message("Quick done.")])
            let quick = try await desk.run(CodexRunRequest(repoPath: repo, prompt: "quick desk job"), onEvent: { _ in })
            // Followed and told, in either order (the resume may land while the turn runs).
            var quickTurn: DeskTurn?
            var followedQuick = false
            while quickTurn == nil || !followedQuick, let event = await seen.next() {
                switch event {
                case .following(let thread, _): followedQuick = followedQuick || thread == quick.turn.threadID
                case .turnEnded(let turn): quickTurn = turn
                default: break
                }
            }
            #expect(followedQuick)
            let told = try #require(quickTurn, "the quick desk turn was not reported")
            #expect(told.threadID == quick.turn.threadID)
            #expect(told.record.finalMessage == "Quick done.")
            watching.cancel()
            await watching.value
        }
    }

    @Test func withoutADaemonTheConfiguredEngineRunsTheTurn() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            // A socket file left behind by a daemon that is gone: nothing listens on it.
            let socketPath = try socketPathWithItsFolder(workspace)
            try leaveStaleSocket(at: socketPath)
            let runner = PreferDaemon(
                DaemonRunner(socketPath: socketPath),
                otherwise: AppServerRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment))
            let pid = Mutex<Int32>(0)
            let result = try await runner.run(
                CodexRunRequest(repoPath: repo, prompt: "hello"), control: nil, onProcessStarted: { id in pid.withLock { $0 = id } },
                onEvent: { _ in })
            #expect(result.succeeded, "\(result.stderrTail)")
            #expect(pid.withLock { $0 } > 0, "a child of its own ran the turn")
            #expect(await runner.currentWay() == "each turn starts its own `codex app-server` (Codex's daemon is not running)")
        }
    }

    /// A daemon that takes the connection but never answers (hung) is passed by within seconds: the
    /// configured engine runs the turn, and `/status` calls the daemon not running.
    @Test func aDaemonThatDoesNotAnswerIsPassedBy() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let socketPath = try socketPathWithItsFolder(workspace)
            let listener = try bindSocket(at: socketPath)
            defer { close(listener) }
            // Listening, so the connection is taken into the backlog, but never accepted nor answered.
            #expect(listen(listener, 8) == 0)
            let runner = PreferDaemon(
                DaemonRunner(socketPath: socketPath, answerLimit: .seconds(1)),
                otherwise: AppServerRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment))
            #expect(await runner.currentWay()?.hasSuffix("(Codex's daemon is not running)") == true)
            let result = try await runner.run(CodexRunRequest(repoPath: repo, prompt: "hello"), onEvent: { _ in })
            #expect(result.succeeded, "\(result.stderrTail)")
        }
    }

    // MARK: - Helpers

    private func daemon(_ workspace: CodexWorkspace) -> DaemonRunner {
        // The daemon answers in milliseconds; a minute lets a loaded CI machine be slow without the test
        // taking it for a hung daemon (which `aDaemonThatDoesNotAnswerIsPassedBy` is about).
        DaemonRunner(
            socketPath: CodexDaemon.socketPath(codexHome: workspace.codexHome), interruptGrace: .seconds(2),
            answerLimit: .seconds(60))
    }

    /// A workspace with Codex's daemon running in it, stopped afterwards whatever happens.
    private func withDaemon(_ body: (CodexWorkspace, String) async throws -> Void) async throws {
        try await withCodexWorkspace { workspace, binary in
            try await CodexDaemonControl.start(codexHome: workspace.codexHome)
            do {
                try await body(workspace, binary)
            } catch {
                await CodexDaemonControl.stop(codexHome: workspace.codexHome)
                throw error
            }
            await CodexDaemonControl.stop(codexHome: workspace.codexHome)
        }
    }

    /// The daemon's socket path in the workspace, its folder made (as a daemon that ran would leave it).
    private func socketPathWithItsFolder(_ workspace: CodexWorkspace) throws -> String {
        let socketPath = CodexDaemon.socketPath(codexHome: workspace.codexHome)
        try FileManager.default.createDirectory(
            atPath: (socketPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return socketPath
    }

    /// Binds a unix socket at `path` and closes it: the file stays, and connecting to it is refused.
    private func leaveStaleSocket(at path: String) throws {
        close(try bindSocket(at: path))
    }

    /// A unix socket bound at `path`; the caller closes it.
    private func bindSocket(at path: String) throws -> Int32 {
        #if canImport(Glibc)
        let stream = Int32(SOCK_STREAM.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        let descriptor = socket(AF_UNIX, stream, 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8.prefix(buffer.count - 1))
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw TestSupportError("could not bind \(path): errno \(errno)")
        }
        return descriptor
    }
}
