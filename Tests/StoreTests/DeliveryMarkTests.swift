import CompanionCore
import Foundation
import PortFakes
import Store
import Testing

/// A result card that went out is recorded as delivered even when the presenter is being cancelled (a
/// shutdown, right after the card): SQLite writes refuse to start in a cancelled task, and an unrecorded
/// delivery is sent again by the next start, so the user would read it twice.
extension AppDatabaseTests {
    @Test func aDeliveryMarkedAsTheCallerIsCancelledIsStillRecorded() async throws {
        let database = try AppDatabase(path: try temporaryDatabasePath())
        let id = try await startTask(database, requester: .telegram(chatID: 5), prompt: "p", mode: .new)
        try await database.interruptTask(id: id, reason: .shutdown, at: Date())
        #expect(try await database.undeliveredResults().map(\.id) == [id])
        let service = TaskService(
            settings: .init(ownerPID: 1),
            bridge: CodexBridge(runner: ScriptedCodexRunner(), sessions: FakeSessions(), store: database), store: database,
            reaper: FakeReaper())
        let marking = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await service.markDelivered(id)
        }
        await marking.value
        #expect(try await database.undeliveredResults().isEmpty)
    }
}
