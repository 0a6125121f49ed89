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
        turn.filesChanged = [FileChange(path: "/code/alpha/a.txt", kind: "add")]
        turn.commands = [CommandExecution(command: "ls", exitCode: 0, status: "completed")]
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        return TaskReport(taskID: taskID, project: project, prompt: "do it", mode: .new, session: .new, status: status,
                          startedAt: start, endedAt: start.addingTimeInterval(3), exitCode: status == .done ? 0 : 1, turn: turn,
                          turnUsage: TokenUsage(inputTokens: 10, outputTokens: 2), failureReason: status == .done ? nil : "boom",
                          stdoutTail: "{}", stderrTail: "")
    }

    @Test func aTaskIsRunningFromItsStartAndFinalAtItsEnd() async throws {
        let path = try temporaryDatabasePath()
        let database = try AppDatabase(path: path)
        let id = try await database.startTask(NewTask(chatID: nil, requester: "cli", project: "alpha", prompt: "do it",
                                                      mode: .new, session: nil, startedAt: Date()))
        let running = try #require(try await database.lastTask(project: "alpha"))
        #expect(running.id == id)
        #expect(running.status == .running)
        #expect(running.endedAt == nil)

        try await database.finishTask(id: id, report: finishedReport(taskID: id, status: .done, threadID: "thread-9"))
        // A fresh connection to the same file sees the final record: it is on disk, not in memory.
        let reopened = try AppDatabase(path: path)
        let done = try #require(try await reopened.lastTask(project: "alpha"))
        #expect(done.status == .done)
        #expect(done.threadID == "thread-9")
        #expect(done.endedAt != nil)
        // The facts the result card is rendered from come back as they went in.
        #expect(done.finalMessage == "answer")
        #expect(done.filesChanged == [FileChange(path: "/code/alpha/a.txt", kind: "add")])
        #expect(done.commands == [CommandExecution(command: "ls", exitCode: 0, status: "completed")])
        #expect(done.turnUsage == TokenUsage(inputTokens: 10, outputTokens: 2))
        #expect(done.session == .new)
        #expect(done.exitCode == 0)
        try await reopened.recordLineCounts(id: id, counts: ["/code/alpha/a.txt": LineCounts(added: 3, removed: 0)])
        #expect(try await reopened.lastTask(project: "alpha")?.lineCounts == ["/code/alpha/a.txt": LineCounts(added: 3, removed: 0)])
        #expect(try await reopened.requesterOfFirstTask(threadID: "thread-9") == "cli")
        #expect(try await reopened.requesterOfFirstTask(threadID: "other") == nil)
        #expect(try await reopened.lastTask(project: "beta") == nil)
    }

    @Test func theLatestTaskWinsAndFailuresAreKept() async throws {
        let database = try AppDatabase.inMemory()
        let first = try await database.startTask(NewTask(chatID: 5, requester: "telegram:5", project: "alpha", prompt: "one",
                                                         mode: .new, session: nil, startedAt: Date()))
        try await database.finishTask(id: first, report: finishedReport(taskID: first, status: .done, threadID: "t1"))
        let earlier = CodexSession(id: "t1", cwd: "/code/alpha", startedAt: nil, lastUsedAt: Date(timeIntervalSince1970: 1_700_000_000),
                                   firstPrompt: "one", source: "exec", cumulativeUsage: nil)
        let continued = SessionNote.continued(earlier, origin: "from Telegram")
        let second = try await database.startTask(NewTask(chatID: 5, requester: "telegram:5", project: "alpha", prompt: "two",
                                                          mode: .continue, session: continued, startedAt: Date()))
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
        #expect(session.id == "t1" && session.firstPrompt == "one" && origin == "from Telegram")
        #expect(session.lastUsedAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(try await database.requestersByThread() == ["t1": "telegram:5"])
    }
}
