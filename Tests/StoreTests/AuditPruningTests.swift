import CompanionCore
import Foundation
import Store
import Testing

/// The audit table stays bounded: rows past their age go, then the oldest beyond the row cap, and
/// nothing newer is touched.
@Suite struct AuditPruningTests {
    func entry(_ command: String, at time: Date) -> AuditEntry {
        AuditEntry(time: time, requester: .telegram(chatID: 42), userID: 42, command: command, project: nil, outcome: .ok, duration: 0)
    }

    @Test func oldRowsGoAndNewerOnesStay() async throws {
        let database = try AppDatabase.inMemory()
        let now = Date()
        for (command, age) in [("ancient", 200), ("old", 91), ("recent", 89), ("today", 0)] {
            try await database.recordAudit(entry(command, at: now.addingTimeInterval(-Double(age) * 86400)))
        }
        let removed = try await database.pruneAudit(olderThan: now.addingTimeInterval(-90 * 86400), keepingAtMost: 1000)
        #expect(removed == 2)
        #expect(try await database.recentAudit(limit: 10).map(\.command) == ["today", "recent"])
        #expect(try await database.pruneAudit(olderThan: now.addingTimeInterval(-90 * 86400), keepingAtMost: 1000) == 0)
    }

    @Test func beyondTheCapTheOldestGo() async throws {
        let database = try AppDatabase.inMemory()
        let now = Date()
        for number in 0..<25 {
            try await database.recordAudit(entry("c\(number)", at: now.addingTimeInterval(Double(number))))
        }
        let removed = try await database.pruneAudit(olderThan: now.addingTimeInterval(-86400), keepingAtMost: 10)
        #expect(removed == 15)
        #expect(try await database.recentAudit(limit: 100).map(\.command) == (15..<25).reversed().map { "c\($0)" })
    }
}
