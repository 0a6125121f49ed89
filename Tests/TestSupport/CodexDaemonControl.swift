import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Codex's own daemon (Codex 0.151+) in a workspace's CODEX_HOME, started and stopped with Codex's own
/// commands (`codex app-server daemon start|stop`), as a user's terminal leaves it behind.
public enum CodexDaemonControl {
    /// Whether the test binary can run a daemon: Codex 0.151 and later start one from any install (0.147
    /// has the command but needs a "managed standalone install", which a pip install is not).
    public static let isSupported: Bool = {
        guard let binary = TestCodex.binary else { return false }
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--version"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let match = text.firstMatch(of: /(\d+)\.(\d+)\.\d+/), let major = Int(match.1), let minor = Int(match.2) else {
            return false
        }
        return major > 0 || minor >= 151
    }()

    public static let missingMessage = "this codex has no daemon (Codex 0.151+): set CODEX_BINARY to a current codex to run this test"

    /// Starts the daemon; returns once it answers (`daemon start` waits for that itself).
    public static func start(codexHome: String) async throws {
        let result = try await codex(["app-server", "daemon", "start"], codexHome: codexHome)
        guard result.status.isSuccess, result.output.contains("\"status\":\"started\"") || result.output.contains("running") else {
            throw TestSupportError("codex app-server daemon start failed: \(result.output) \(result.error)")
        }
    }

    /// Stops the daemon and the updater loop it leaves (codex-cli.md §8).
    public static func stop(codexHome: String) async {
        _ = try? await codex(["app-server", "daemon", "stop"], codexHome: codexHome)
        if let updater = pid(in: codexHome + "/app-server-daemon/daemon-updater.pid") { kill(updater, SIGTERM) }
    }

    /// Kills the daemon at once (SIGKILL), as a crash would: its connections drop in the middle of what
    /// they do. (`stop` waits for running turns first.)
    public static func crash(codexHome: String) {
        signal(SIGKILL, codexHome: codexHome)
    }

    /// Sends `signal` to the daemon: SIGSTOP makes it hang with its connections open, SIGCONT wakes it.
    public static func signal(_ signal: Int32, codexHome: String) {
        if let daemon = pid(in: codexHome + "/app-server-daemon/daemon.pid") { kill(daemon, signal) }
    }

    /// The pid a daemon pid file names (`{"pid": …}`).
    private static func pid(in file: String) -> pid_t? {
        guard let data = FileManager.default.contents(atPath: file),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let pid = object["pid"] as? Int
        else { return nil }
        return pid_t(pid)
    }

    private static func codex(
        _ arguments: [String], codexHome: String
    ) async throws -> (
        status: TerminationStatus, output: String, error: String
    ) {
        let binary = try TestCodex.requireBinary()
        let result = try await Subprocess.run(
            .path(FilePath(binary)), arguments: Arguments(arguments),
            environment: .inherit.updating(CodexWorkspace.codexUpdates(codexHome: codexHome)),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        return (result.terminationStatus, result.standardOutput ?? "", result.standardError ?? "")
    }
}
