import CompanionCore
import Foundation
import Store
import Testing

/// Which companion client started a thread: only a task that made the thread counts. A session the
/// companion merely continued (one from the terminal) keeps the origin its rollout file gives.
@Suite struct ThreadStarterTests {
    let project = Project(name: "alpha", repoPath: "/code/alpha")
    let terminalSession = CodexSession(
        id: "tui-thread", cwd: "/code/alpha", startedAt: nil, lastUsedAt: Date(timeIntervalSince1970: 1_800_000_000),
        firstPrompt: "from the desk", source: "cli", cumulativeUsage: nil)

    func run(
        _ database: AppDatabase, requester: Requester, mode: TaskMode, session: SessionNote, threadID: String
    ) async throws {
        let id = try await database.queueTask(
            NewTask(requester: requester, project: "alpha", prompt: "p", mode: mode, askedAt: Date(), ownerPID: 7))
        try await database.markTaskRunning(id: id, session: session, startedAt: Date(), ownerPID: 7)
        var turn = TurnRecord()
        turn.threadID = threadID
        try await database.finishTask(
            id: id,
            report: TaskReport(
                taskID: id, requester: requester, project: project, prompt: "p", mode: mode, session: session, status: .done,
                startedAt: Date(), endedAt: Date(), exitCode: 0, turn: turn, turnUsage: nil, failureReason: nil,
                stdoutTail: "", stderrTail: ""))
    }

    @Test func aContinuedTerminalSessionIsNotRelabelledAsTheCompanions() async throws {
        let database = try AppDatabase.inMemory()
        let continued = SessionNote.continued(terminalSession, origin: .codex(source: "cli"))
        try await run(database, requester: .telegram(chatID: 5), mode: .continue, session: continued, threadID: "tui-thread")
        try await run(database, requester: .cli, mode: .continue, session: continued, threadID: "tui-thread")
        #expect(try await database.requesterOfFirstTask(threadID: "tui-thread") == nil)
        #expect(try await database.requesters(ofThreads: ["tui-thread"]).isEmpty)
        // So the next continuation still says where it began.
        #expect(SessionOrigin.of(terminalSession, firstRequester: nil) == .codex(source: "cli"))
    }

    @Test func aSessionTheCompanionStartedIsItsRequesters() async throws {
        let database = try AppDatabase.inMemory()
        try await run(database, requester: .telegram(chatID: 5), mode: .new, session: .new, threadID: "phone-thread")
        try await run(database, requester: .cli, mode: .continue, session: .newBecauseNoneFound, threadID: "cli-thread")
        let started = CodexSession(
            id: "phone-thread", cwd: "/code/alpha", startedAt: nil, lastUsedAt: Date(), firstPrompt: "p", source: "exec",
            cumulativeUsage: nil)
        try await run(
            database, requester: .cli, mode: .continue, session: .continued(started, origin: .companion(.telegram)),
            threadID: "phone-thread")
        #expect(try await database.requesterOfFirstTask(threadID: "phone-thread") == .telegram(chatID: 5))
        #expect(
            try await database.requesters(ofThreads: ["phone-thread", "cli-thread"])
                == ["phone-thread": .telegram(chatID: 5), "cli-thread": .cli])
    }
}
