import CompanionCore
import Foundation
import Store
import Testing

/// The Codex process of a running task is kept with its start time, so a restarted companion stops that
/// process and no other that got its id.
@Suite struct TaskProcessTests {
    @Test func theProcessIdAndItsStartTimeAreKept() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try AppDatabase(path: directory.appendingPathComponent("companion.sqlite").path)
        let id = try await database.queueTask(
            NewTask(requester: .cli, project: "alpha", prompt: "work", mode: .new, askedAt: Date(), ownerPID: 77))
        try await database.markTaskRunning(id: id, session: .new, startedAt: Date(), ownerPID: 77)
        try await database.recordTaskProcess(id: id, pid: 4321, started: ProcessStartTime(rawValue: "boot-1/987654"))
        let running = try #require(try await database.runningTasks().first)
        #expect(running.codexPID == 4321)
        #expect(running.codexStartedAt == ProcessStartTime(rawValue: "boot-1/987654"))
    }
}
