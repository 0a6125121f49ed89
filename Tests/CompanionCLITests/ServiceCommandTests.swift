import Foundation
import TestSupport
import Testing

/// `codex-companion service` writes a user service that restarts the daemon and logs to the state directory.
/// Loading it needs a user session manager (systemd or launchd), which test machines lack: `--no-load`.
@Suite struct ServiceCommandTests {
    @Test func installStatusUninstallManageTheServiceFile() async throws {
        let root = NSHomeDirectory() + "/.codex-companion-tests/service-" + UUID().uuidString.prefix(8).lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let home = root + "/home"
        try FileManager.default.createDirectory(atPath: root + "/repo/.git", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let tokenFile = root + "/token"
        FileManager.default.createFile(atPath: tokenFile, contents: Data("1:x".utf8), attributes: [.posixPermissions: 0o600])
        let configPath = root + "/config.json"
        func writeConfig(tokenFile: String?) throws {
            var telegram: [String: Any] = ["allowed_user_ids": [1]]
            if let tokenFile { telegram["bot_token_file"] = tokenFile }
            let object: [String: Any] = [
                "projects": [["name": "alpha", "repo_path": root + "/repo"]], "state_dir": root + "/state",
                "telegram": telegram,
            ]
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: configPath))
        }
        let environment = ["HOME": home]

        try writeConfig(tokenFile: nil)
        let refused = try await CompanionProcess.run(["service", "install", "--no-load", "--config", configPath], environment: environment)
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("bot_token_file"))

        try writeConfig(tokenFile: tokenFile)
        let installed = try await CompanionProcess.run(
            ["service", "install", "--no-load", "--config", configPath], environment: environment)
        #expect(installed.exitCode == 0, "\(installed.stderr)")
        #if os(macOS)
        let file = home + "/Library/LaunchAgents/com.codex-companion.serve.plist"
        #else
        let file = home + "/.config/systemd/user/codex-companion.service"
        #endif
        let contents = try String(contentsOfFile: file, encoding: .utf8)
        #expect(contents.contains(CompanionProcess.executablePath))
        #expect(contents.contains(configPath))
        #expect(contents.contains(root + "/state/serve.log"))
        #if os(macOS)
        #expect(contents.contains("<key>KeepAlive</key>"))
        #else
        #expect(contents.contains("Restart=on-failure"))
        #expect(contents.contains("ExecStart=\"\(CompanionProcess.executablePath)\" serve --config \"\(configPath)\""))
        #endif
        #expect(installed.stdout.contains("Load it with: "))

        let status = try await CompanionProcess.run(["service", "status", "--no-load", "--config", configPath], environment: environment)
        #expect(status.stdout.contains("Installed: \(file)"))

        let removed = try await CompanionProcess.run(
            ["service", "uninstall", "--no-load", "--config", configPath], environment: environment)
        #expect(removed.stdout.contains("Removed \(file)"))
        #expect(!FileManager.default.fileExists(atPath: file))
        let after = try await CompanionProcess.run(["service", "status", "--no-load", "--config", configPath], environment: environment)
        #expect(after.stdout.hasPrefix("Not installed"))
    }
}
