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

    /// Interrupts `pid` if it is still a running codex process (never another program that reused the
    /// id), then kills it if it has not exited within `grace`. Returns true when a process was stopped.
    @discardableResult
    public func stopIfCodex(pid: Int32) async -> Bool {
        await stopIfCodex(pid: pid, grace: .seconds(3))
    }

    /// Whether `pid` runs a companion binary (`codex-companion`, or a test runner built from this package,
    /// whose name starts the same). `ps` truncates names to 15 characters on Linux, which is this prefix.
    public func isCompanionRunning(pid: Int32) async -> Bool {
        guard pid > 1, kill(pid, 0) == 0 else { return false }
        return await Self.commandName(pid: pid)?.hasPrefix("codex-companion") == true
    }

    @discardableResult
    public func stopIfCodex(pid: Int32, grace: Duration) async -> Bool {
        guard pid > 1, kill(pid, 0) == 0, await Self.commandName(pid: pid)?.contains("codex") == true else { return false }
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

    /// The process's command name from `ps` (works on Linux and macOS).
    static func commandName(pid: Int32) async -> String? {
        let result = try? await Subprocess.run(.name("ps"), arguments: ["-p", "\(pid)", "-o", "comm="], output: .string(limit: 4096))
        guard let result, result.terminationStatus.isSuccess else { return nil }
        let name = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }
}
