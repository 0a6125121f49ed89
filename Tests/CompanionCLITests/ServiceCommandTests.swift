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
        let program = try Self.installableProgram(in: root)

        try writeConfig(tokenFile: nil)
        let refused = try await CompanionProcess.run(
            ["service", "install", "--no-load", "--config", configPath], environment: environment, program: program)
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("bot_token_file"))

        try writeConfig(tokenFile: tokenFile)
        let installed = try await CompanionProcess.run(
            ["service", "install", "--no-load", "--config", configPath], environment: environment, program: program)
        #expect(installed.exitCode == 0, "\(installed.stderr)")
        #if os(macOS)
        let file = home + "/Library/LaunchAgents/com.codex-companion.serve.plist"
        #else
        let file = home + "/.config/systemd/user/codex-companion.service"
        #endif
        let contents = try String(contentsOfFile: file, encoding: .utf8)
        #expect(contents.contains(program))
        #expect(contents.contains(configPath))
        #expect(contents.contains(root + "/state/serve.log"))
        #if os(macOS)
        #expect(contents.contains("<key>KeepAlive</key>"))
        #else
        #expect(contents.contains("Restart=on-failure"))
        #expect(contents.contains("StartLimitIntervalSec=300\nStartLimitBurst=5\n"))
        #expect(contents.contains("ExecStart=\"\(program)\" serve --config \"\(configPath)\""))
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

    /// Run as `codex-companion` from the PATH, in another folder: the unit names the real program (argv[0]
    /// would have named `<that folder>/codex-companion`). A set-up without Telegram installs too: the
    /// service then runs the dashboard alone.
    @Test func installFromThePathNamesTheRealProgramAndNeedsNoTelegram() async throws {
        let root = NSHomeDirectory() + "/.codex-companion-tests/service-" + UUID().uuidString.prefix(8).lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let home = root + "/home"
        for folder in [root + "/repo/.git", home, root + "/bin", root + "/elsewhere"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let program = try Self.installableProgram(in: root)
        let configPath = root + "/config.json"
        let object: [String: Any] = ["projects": [["name": "alpha", "repo_path": root + "/repo"]], "state_dir": root + "/state"]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: configPath))
        let path = root + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")

        let installed = try await CompanionProcess.run(
            ["-c", "cd \"$1\" && exec codex-companion service install --no-load --config \"$2\"", "sh", root + "/elsewhere", configPath],
            environment: ["HOME": home, "PATH": path], program: "/bin/sh")
        #expect(installed.exitCode == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("Telegram is off: the service runs the dashboard only."))
        #if os(macOS)
        let contents = try String(contentsOfFile: home + "/Library/LaunchAgents/com.codex-companion.serve.plist", encoding: .utf8)
        #expect(contents.contains("<string>\(Self.realPath(program))</string>"))
        #expect(contents.contains("<key>ThrottleInterval</key><integer>30</integer>"))
        #else
        let contents = try String(contentsOfFile: home + "/.config/systemd/user/codex-companion.service", encoding: .utf8)
        #expect(contents.contains("ExecStart=\"\(Self.realPath(program))\" serve --config \"\(configPath)\""))
        #endif
        #expect(!contents.contains(root + "/elsewhere"))
    }

    /// The built program in `<root>/bin` (a hard link, or a copy where links cannot be made): a service
    /// refuses a program in a temporary folder, and a clean clone may be built under /tmp.
    static func installableProgram(in root: String) throws -> String {
        let program = root + "/bin/codex-companion"
        try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        do {
            try FileManager.default.linkItem(atPath: CompanionProcess.executablePath, toPath: program)
        } catch {
            try FileManager.default.copyItem(atPath: CompanionProcess.executablePath, toPath: program)
        }
        return program
    }

    /// A service runs its program at every login, unsandboxed: never one inside a project (Codex writes
    /// there) nor one in a temporary folder.
    @Test func installRefusesAProgramInsideAProjectOrATemporaryFolder() async throws {
        let root = NSHomeDirectory() + "/.codex-companion-tests/service-" + UUID().uuidString.prefix(8).lowercased()
        let temporary = "/tmp/codex-companion-service-" + UUID().uuidString.prefix(8).lowercased()
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: temporary)
        }
        let home = root + "/home"
        for folder in [root + "/repo/.git", home, temporary] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let configPath = root + "/config.json"
        func writeConfig(repository: String) throws {
            let object: [String: Any] = ["projects": [["name": "alpha", "repo_path": repository]], "state_dir": root + "/state"]
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: configPath))
        }
        let unitFile = home + "/.config/systemd/user/codex-companion.service"
        let plist = home + "/Library/LaunchAgents/com.codex-companion.serve.plist"

        // The folder holding the program is a project.
        try writeConfig(repository: CompanionProcess.productsDirectory.path)
        let inProject = try await CompanionProcess.run(
            ["service", "install", "--no-load", "--config", configPath], environment: ["HOME": home])
        #expect(inProject.exitCode == 1)
        #expect(inProject.stderr.contains("is inside the project folder"), "\(inProject.stderr)")

        // The program is in /tmp (a hard link, or a copy where links cannot be made).
        try writeConfig(repository: root + "/repo")
        let copy = temporary + "/codex-companion"
        do {
            try FileManager.default.linkItem(atPath: CompanionProcess.executablePath, toPath: copy)
        } catch {
            try FileManager.default.copyItem(atPath: CompanionProcess.executablePath, toPath: copy)
        }
        let inTemporary = try await CompanionProcess.run(
            ["service", "install", "--no-load", "--config", configPath], environment: ["HOME": home], program: copy)
        #expect(inTemporary.exitCode == 1)
        #expect(inTemporary.stderr.contains("is in the temporary folder /tmp"), "\(inTemporary.stderr)")
        #expect(!FileManager.default.fileExists(atPath: unitFile) && !FileManager.default.fileExists(atPath: plist))
    }

    static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
