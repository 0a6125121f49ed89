import CompanionCore
import Foundation
import Logging
import Subprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops Codex processes left running by a companion that was killed (SIGKILL, power loss, crash):
/// their pipes are gone, so nobody would read their result, and they would hold the session's writer lock.
public struct OrphanReaper: ProcessReaping {
    private let logger: Logger

    public init(logger: Logger = Logger(label: "companion.reaper")) {
        self.logger = logger
    }

    /// Interrupts `pid` if it is still the codex process recorded (started at `started`, when that was
    /// recorded; never another program or another codex that reused the id), then kills it if it has not
    /// exited within 3 s. Returns true when a process was stopped.
    @discardableResult
    public func stopIfCodex(pid: Int32, started: ProcessStartTime?) async -> Bool {
        await stopIfCodex(pid: pid, started: started, grace: .seconds(3))
    }

    public func startTime(of pid: Int32) async -> ProcessStartTime? {
        Self.startTime(pid: pid)
    }

    /// Whether `pid` runs a companion binary (`codex-companion`, or a test runner built from this package,
    /// whose name starts the same). `ps` truncates names to 15 characters on Linux, which is this prefix.
    public func isCompanionRunning(pid: Int32) async -> Bool {
        guard pid > 1, kill(pid, 0) == 0 else { return false }
        return await Self.commandName(pid: pid)?.hasPrefix("codex-companion") == true
    }

    @discardableResult
    public func stopIfCodex(pid: Int32, started: ProcessStartTime?, grace: Duration) async -> Bool {
        guard pid > 1, kill(pid, 0) == 0 else { return false }
        // A task recorded before start times were kept has none: the name is all there is to go by.
        if let started, Self.startTime(pid: pid) != started {
            logger.info("a recorded Codex process id now belongs to another process: left alone", metadata: ["pid": "\(pid)"])
            return false
        }
        guard await Self.commandName(pid: pid)?.contains("codex") == true else { return false }
        logger.warning("stopping a Codex process left over from a crash", metadata: ["pid": "\(pid)"])
        kill(pid, SIGINT)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if kill(pid, 0) != 0 { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill(pid, SIGKILL)
        return true
    }

    /// When `pid` started. Linux: the boot's id and field 22 of /proc/<pid>/stat (clock ticks since boot);
    /// macOS: `p_starttime` from sysctl KERN_PROC_PID (wall-clock time, which differs across boots).
    static func startTime(pid: Int32) -> ProcessStartTime? {
        guard pid > 0 else { return nil }
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let bootID = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
            let ticks = startTicks(statLine: stat)
        else { return nil }
        return ProcessStartTime(rawValue: "\(bootID.trimmingCharacters(in: .whitespacesAndNewlines))/\(ticks)")
        #elseif canImport(Darwin)
        var info = kinfo_proc()
        var size = MemoryLayout<kinfo_proc>.stride
        var name: [Int32] = [CTL_KERN, KERN_PROC, KERN_PROC_PID, pid]
        guard sysctl(&name, UInt32(name.count), &info, &size, nil, 0) == 0, size > 0 else { return nil }
        let start = info.kp_proc.p_un.__p_starttime
        return ProcessStartTime(rawValue: "\(start.tv_sec).\(start.tv_usec)")
        #else
        return nil
        #endif
    }

    /// Field 22 (`starttime`) of a /proc/<pid>/stat line. The command name (field 2) is in parentheses
    /// and may itself hold spaces and parentheses, so fields are counted from the last `)`.
    static func startTicks(statLine: String) -> UInt64? {
        guard let close = statLine.lastIndex(of: ")") else { return nil }
        let fields = statLine[statLine.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// The process's command name from `ps` (works on Linux and macOS).
    static func commandName(pid: Int32) async -> String? {
        let result = try? await Subprocess.run(.name("ps"), arguments: ["-p", "\(pid)", "-o", "comm="], output: .string(limit: 4096))
        guard let result, result.terminationStatus.isSuccess else { return nil }
        let name = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }
}
