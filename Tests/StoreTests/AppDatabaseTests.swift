import CompanionCore
import Foundation
import Store
import Testing

@Suite struct AppDatabaseTests {
    let project = Project(name: "alpha", repoPath: "/code/alpha")

    func temporaryDatabasePath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("companion.sqlite").path
    }

    func finishedReport(taskID: Int64, status: TaskStatus, threadID: String) -> TaskReport {
        var turn = TurnRecord()
        turn.threadID = threadID
        turn.finalMessage = "answer"
        turn.filesChanged = [FileChange(path: "/code/alpha/a.txt", kind: .add)]
        turn.commands = [CommandExecution(command: "ls", exitCode: 0, status: .completed)]
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        return TaskReport(
            taskID: taskID, project: project, prompt: "do it", mode: .new, session: .new, status: status,
            startedAt: start, endedAt: start.addingTimeInterval(3), exitCode: status == .done ? 0 : 1, turn: turn,
            turnUsage: TokenUsage(inputTokens: 10, outputTokens: 2), failureReason: status == .done ? nil : "boom",
            stdoutTail: "{}", stderrTail: "")
    }

    /// A task as the task service starts one: queued, then running in `session`.
    func startTask(
        _ database: AppDatabase, requester: Requester, project: String = "alpha", prompt: String, mode: TaskMode,
        session: SessionNote = .new, ownerPID: Int32 = 77
    ) async throws -> Int64 {
        let id = try await database.queueTask(
            NewTask(
                requester: requester, project: project, prompt: prompt, mode: mode,
                askedAt: Date(), ownerPID: ownerPID))
        try await database.markTaskRunning(id: id, session: session, startedAt: Date(), ownerPID: ownerPID)
        return id
    }

    /// The chats a project's desk turns go to: those whose selected project it is now, unless they said
    /// `/notify desk off`; the setting outlives a change of project and can be set before any project.
    @Test func theChatsOfAProjectAreThoseThatSelectedItLastAndListen() async throws {
        let database = try AppDatabase(path: try temporaryDatabasePath())
        try await database.setActiveProject(chatID: 7, project: "alpha")
        try await database.setActiveProject(chatID: 3, project: "alpha")
        try await database.setActiveProject(chatID: 9, project: "beta")
        try await database.setActiveProject(chatID: 5, project: "alpha")
        try await database.setActiveProject(chatID: 5, project: "beta")
        #expect(try await database.chatsHearingTheDesk(of: "alpha") == [3, 7])
        #expect(try await database.chatsHearingTheDesk(of: "beta") == [5, 9])
        #expect(try await database.chatsHearingTheDesk(of: "gamma").isEmpty)
        #expect(try await database.hearsTheDesk(chatID: 3))
        try await database.setHearsTheDesk(chatID: 3, false)
        try await database.setActiveProject(chatID: 3, project: "beta")
        try await database.setActiveProject(chatID: 3, project: "alpha")
        #expect(try await database.chatsHearingTheDesk(of: "alpha") == [7])
        #expect(try await !database.hearsTheDesk(chatID: 3))
        // A chat that never picked a project keeps its setting for when it does.
        try await database.setHearsTheDesk(chatID: 11, false)
        #expect(try await database.activeProject(chatID: 11) == nil)
        try await database.setActiveProject(chatID: 11, project: "alpha")
        #expect(try await database.chatsHearingTheDesk(of: "alpha") == [7])
        try await database.setHearsTheDesk(chatID: 3, true)
        #expect(try await database.chatsHearingTheDesk(of: "alpha") == [3, 7])
    }

    @Test func aTaskIsRunningFromItsStartAndFinalAtItsEnd() async throws {
        let path = try temporaryDatabasePath()
        let database = try AppDatabase(path: path)
        let id = try await startTask(database, requester: .cli, prompt: "do it", mode: .new)
        let running = try #require(try await database.lastTask(project: "alpha"))
        #expect(running.id == id)
        #expect(running.status == .running)
        #expect(running.endedAt == nil)
        #expect(running.ownerPID == 77)

        try await database.finishTask(id: id, report: finishedReport(taskID: id, status: .done, threadID: "thread-9"))
        // A fresh connection to the same file sees the final record: it is on disk, not in memory.
        let reopened = try AppDatabase(path: path)
        let done = try #require(try await reopened.lastTask(project: "alpha"))
        #expect(done.status == .done)
        #expect(done.threadID == "thread-9")
        #expect(done.endedAt != nil)
        // The facts the result card is rendered from come back as they went in.
        #expect(done.finalMessage == "answer")
        #expect(done.filesChanged == [FileChange(path: "/code/alpha/a.txt", kind: .add)])
        #expect(done.commands == [CommandExecution(command: "ls", exitCode: 0, status: .completed)])
        #expect(done.turnUsage == TokenUsage(inputTokens: 10, outputTokens: 2))
        #expect(done.session == .new)
        #expect(done.exitCode == 0)
        try await reopened.recordLineCounts(id: id, counts: ["/code/alpha/a.txt": LineCounts(added: 3, removed: 0)])
        #expect(try await reopened.lastTask(project: "alpha")?.lineCounts == ["/code/alpha/a.txt": LineCounts(added: 3, removed: 0)])
        #expect(try await reopened.requesterOfFirstTask(threadID: "thread-9") == .cli)
        #expect(try await reopened.requesterOfFirstTask(threadID: "other") == nil)
        #expect(try await reopened.lastTask(project: "beta") == nil)
    }

    @Test func theLatestTaskWinsAndFailuresAreKept() async throws {
        let database = try AppDatabase.inMemory()
        let first = try await startTask(database, requester: .telegram(chatID: 5), prompt: "one", mode: .new)
        try await database.finishTask(id: first, report: finishedReport(taskID: first, status: .done, threadID: "t1"))
        let earlier = CodexSession(
            id: "t1", cwd: "/code/alpha", startedAt: nil, lastUsedAt: Date(timeIntervalSince1970: 1_700_000_000),
            firstPrompt: "one", source: "exec", cumulativeUsage: nil)
        let continued = SessionNote.continued(earlier, origin: .companion(.telegram))
        let second = try await startTask(database, requester: .telegram(chatID: 5), prompt: "two", mode: .continue, session: continued)
        #expect(try await database.lastTask(project: "alpha")?.threadID == "t1")
        var report = finishedReport(taskID: second, status: .failed, threadID: "t1")
        report.session = continued
        try await database.finishTask(id: second, report: report)
        let last = try #require(try await database.lastTask(project: "alpha"))
        #expect(last.id == second)
        #expect(last.status == .failed)
        #expect(last.mode == .continue)
        #expect(last.failureReason == "boom")
        guard case .continued(let session, let origin) = last.session else {
            Issue.record("expected a continued session, got \(String(describing: last.session))")
            return
        }
        #expect(session.id == "t1" && session.firstPrompt == "one" && origin == .companion(.telegram))
        #expect(session.lastUsedAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(try await database.requesters(ofThreads: ["t1", "t2"]) == ["t1": .telegram(chatID: 5)])
    }

    /// One running task per project, whichever process asks: the second start fails with the holder, and
    /// the slot is free again once the task ends (or is interrupted by recovery).
    @Test func oneRunningTaskPerProjectAcrossConnections() async throws {
        let path = try temporaryDatabasePath()
        let daemon = try AppDatabase(path: path)
        let cli = try AppDatabase(path: path)
        let running = try await startTask(daemon, requester: .telegram(chatID: 5), prompt: "first", mode: .new, ownerPID: 100)
        let waiting = try await cli.queueTask(
            NewTask(
                requester: .cli, project: "alpha", prompt: "second", mode: .new,
                askedAt: Date(), ownerPID: 200))
        do {
            try await cli.markTaskRunning(id: waiting, session: .new, startedAt: Date(), ownerPID: 200)
            Issue.record("a second running task in alpha was allowed")
        } catch let busy as ProjectBusy {
            #expect(busy.holder?.id == running)
            #expect(busy.holder?.ownerPID == 100)
            #expect(busy.holder?.prompt == "first")
        }
        // Another project is not affected.
        _ = try await startTask(cli, requester: .cli, project: "beta", prompt: "elsewhere", mode: .new, ownerPID: 200)
        try await daemon.interruptTask(id: running, reason: .companionRestarted, at: Date())
        try await cli.markTaskRunning(id: waiting, session: .new, startedAt: Date(), ownerPID: 200)
        let interrupted = try #require(try await daemon.undeliveredResults().first { $0.id == running })
        #expect(interrupted.status == .interrupted)
        #expect(interrupted.stopReason == .companionRestarted)
        #expect(try await daemon.runningTask(project: "alpha")?.id == waiting)
    }

    @Test func stopReasonsAndRequestersRoundTripAsText() {
        let reasons: [StopReason] = [
            .user, .timeout(.total(.seconds(3600))), .timeout(.idle(.seconds(90))), .shutdown,
            .companionRestarted, .projectRemoved, .projectBusy,
        ]
        for reason in reasons { #expect(StopReason(stored: reason.stored) == reason) }
        for requester in [Requester.cli, .telegram(chatID: -42), .dashboard] { #expect(Requester(stored: requester.stored) == requester) }
        for origin in [SessionOrigin.companion(.telegram), .codex(source: "vscode"), .codex(source: "")] {
            #expect(SessionOrigin(stored: origin.stored) == origin)
        }
        // Rows written before origins were typed.
        #expect(SessionOrigin(stored: "in the terminal") == .codex(source: "cli"))
        #expect(SessionOrigin(stored: "from Telegram") == .companion(.telegram))
    }

    /// A progress message stays recorded until it is made final; a restart finds the ones of tasks that
    /// are no longer running.
    @Test func unfinishedProgressMessagesAreFoundOnceTheirTaskEnded() async throws {
        let database = try AppDatabase.inMemory()
        let crashed = try await startTask(database, requester: .telegram(chatID: 5), prompt: "one", mode: .new)
        let frozen = try await startTask(database, requester: .telegram(chatID: 5), project: "beta", prompt: "two", mode: .new)
        try await database.recordProgressMessage(id: crashed, messageID: 501)
        try await database.recordProgressMessage(id: frozen, messageID: 502)
        #expect(try await database.unfinishedProgressMessages().isEmpty, "both still run")
        try await database.finishTask(id: frozen, report: finishedReport(taskID: frozen, status: .done, threadID: "t"))
        try await database.recordProgressMessage(id: frozen, messageID: nil)
        try await database.interruptTask(id: crashed, reason: .companionRestarted, at: Date())
        let unfinished = try await database.unfinishedProgressMessages()
        #expect(unfinished.map(\.id) == [crashed])
        #expect(unfinished.first?.progressMessageID == 501)
        #expect(unfinished.first?.status == .interrupted)
    }

    /// Every query the bot runs per message or at start is an index lookup, never a scan of the table.
    @Test func theBotsQueriesUseIndexes() async throws {
        let database = try AppDatabase(path: try temporaryDatabasePath())
        let plans = try await database.queryPlans()
        #expect(plans.count == 11)
        for (sql, plan) in plans {
            #expect(
                plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX") || plan.contains("USING INTEGER PRIMARY KEY"),
                "\(sql) → \(plan)")
            // A scan of a partial index holds only the rows that match; a scan of the table would grow with it.
            let steps = plan.components(separatedBy: "; ")
            let scans = ["SCAN tasks", "SCAN telegram_updates", "SCAN codex_rollouts", "SCAN audit"]
            #expect(!steps.contains { scans.contains($0) }, "\(sql) → \(plan)")
        }
    }

    @Test func handledUpdatesArePrunedAfterAWeek() async throws {
        let database = try AppDatabase(path: try temporaryDatabasePath())
        let old = Date().addingTimeInterval(-8 * 86400)
        let empty = Data("{}".utf8)
        #expect(
            try await database.recordUpdates(
                [RecordedUpdate(id: 1, payload: empty), RecordedUpdate(id: 2, payload: empty)],
                receivedAt: old, nextOffset: 3
            ).count == 2)
        try await database.markUpdateHandled(id: 1, at: old)  // 2 is never handled: kept
        // A repeated update is recorded once; the offset moves on.
        #expect(
            try await database.recordUpdates(
                [RecordedUpdate(id: 2, payload: empty), RecordedUpdate(id: 3, payload: empty)],
                receivedAt: Date(), nextOffset: 4
            ).map(\.id) == [3])
        #expect(try await database.pollOffset() == 4)
        try await database.markUpdateHandled(id: 3, at: Date())
        #expect(try await database.pruneHandledUpdates(receivedBefore: Date().addingTimeInterval(-7 * 86400)) == 1)
        #expect(try await database.updatePayload(id: 1) == nil)
        #expect(try await database.updatePayload(id: 2) != nil)
        #expect(try await database.updatePayload(id: 3) != nil)
    }

    @Test func theActivityLogRotates() throws {
        let directory = (try temporaryDatabasePath() as NSString).deletingLastPathComponent
        let log = ActivityLogFile(directory: directory, maxBytes: 400, keptFiles: 2)
        for index in 0..<40 {
            log.record(AuditEntry(time: Date(), requester: .cli, command: "run", project: "p\(index)", outcome: .ok, duration: 1))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("activity.log") }.sorted()
        #expect(files == ["activity.log", "activity.log.1", "activity.log.2"])
        for file in files {
            let size = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.size] as? Int ?? 0
            #expect(size <= 400)
        }
        #expect(try String(contentsOfFile: directory + "/activity.log", encoding: .utf8).contains("p39"))
    }
}
