import CompanionCore
import Foundation
import Testing

@testable import CodexAdapter

/// A Codex left running by a crashed companion is stopped; a process that only has its id now (after a
/// reboot, the user's own codex perhaps) is not.
@Suite struct OrphanReaperTests {
    @Test func aProcessIsStoppedOnlyIfItStartedWhenRecorded() async throws {
        let root = NSHomeDirectory() + "/.codex-companion-tests/reaper-" + UUID().uuidString.prefix(8).lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // A program whose name says codex, that waits.
        let sleep = ["/bin/sleep", "/usr/bin/sleep"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/bin/sleep"
        try FileManager.default.copyItem(
            atPath: URL(fileURLWithPath: sleep).resolvingSymlinksInPath().path, toPath: root + "/codex-lookalike")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: root + "/codex-lookalike")
        process.arguments = ["600"]
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let reaper = OrphanReaper()
        let started = try #require(await reaper.startTime(of: process.processIdentifier))
        #expect(await reaper.startTime(of: process.processIdentifier) == started)

        // The id was recorded for a process that started at another time: this one is left alone.
        let other = ProcessStartTime(rawValue: "another-boot/12345")
        #expect(await reaper.stopIfCodex(pid: process.processIdentifier, started: other, grace: .seconds(10)) == false)
        #expect(process.isRunning)

        // The recorded process itself is stopped (SIGINT, or SIGKILL after the grace period where SIGINT is
        // ignored, as it is for a program started in the background by a shell).
        #expect(await reaper.stopIfCodex(pid: process.processIdentifier, started: started, grace: .seconds(1)))
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
    }

    #if os(Linux)
    /// Field 22 of /proc/<pid>/stat, counted from the last parenthesis: a command name may hold both
    /// spaces and parentheses.
    @Test func theStartTimeIsReadPastAnOddCommandName() {
        let line = "1234 (a) b (c) S 1 1234 1234 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 12345 67\n"
        #expect(OrphanReaper.startTicks(statLine: line) == 987654)
        #expect(OrphanReaper.startTicks(statLine: "1234 (short) S 1 2") == nil)
    }
    #endif
}
