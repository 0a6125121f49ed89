import CompanionCore
import Foundation
import Store
import Testing

@Suite struct ActivityLogFileTests {
    @Test func appendsOneLinePerEntry() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = ActivityLogFile(directory: directory)
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        log.record(AuditEntry(time: time, requester: .cli, command: "new", project: "alpha", outcome: .ok, duration: 12.34))
        log.record(
            AuditEntry(
                time: time, requester: .telegram(chatID: 42), command: "continue", project: "beta", outcome: .refused,
                duration: 1))
        // A queued task is a command that succeeded (it used to be logged as failed).
        log.record(
            AuditEntry(
                time: time, requester: .telegram(chatID: 42), command: "text", project: "beta", outcome: .queued,
                duration: 0))
        let text = try String(contentsOfFile: log.path, encoding: .utf8)
        #expect(
            text == """
                2027-01-15T08:00:00Z cli new project=alpha ok 12.3s
                2027-01-15T08:00:00Z telegram:42 continue project=beta failed 1.0s
                2027-01-15T08:00:00Z telegram:42 text project=beta ok 0.0s

                """)
    }
}
