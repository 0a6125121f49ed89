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
    /// Whether the test binary has a daemon at all (0.147 has none): `app-server daemon version` runs.
    public static let isSupported: Bool = {
        guard let binary = TestCodex.binary else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["app-server", "daemon", "--help"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
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
        let pidFile = codexHome + "/app-server-daemon/daemon-updater.pid"
        if let data = FileManager.default.contents(atPath: pidFile),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let pid = object["pid"] as? Int
        {
            kill(pid_t(pid), SIGTERM)
        }
    }

    private static func codex(
        _ arguments: [String], codexHome: String
    ) async throws -> (
        status: TerminationStatus, output: String, error: String
    ) {
        let binary = try TestCodex.requireBinary()
        let result = try await Subprocess.run(
            .path(FilePath(binary)), arguments: Arguments(arguments),
            environment: .inherit.updating(["CODEX_HOME": codexHome]),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        return (result.terminationStatus, result.standardOutput ?? "", result.standardError ?? "")
    }
}
