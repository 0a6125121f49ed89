import Foundation
import TestSupport
import Testing

/// `doctor` as a new user runs it: HOME and CODEX_HOME from the shell, the real codex, the fake Bot API.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct DoctorTests {
    @Test func reportsTheCodexHomeInUseTheTokenAndPrivacy() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                let home = workspace.root + "/home"
                try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
                // No state_dir: the default must follow $HOME.
                let config = workspace.root + "/config.json"
                try JSONSerialization.data(withJSONObject: [
                    "projects": [["name": "alpha", "repo_path": alpha]],
                    "telegram": ["allowed_user_ids": [7], "api_base_url": telegram.baseURL],
                ]).write(to: URL(fileURLWithPath: config))
                #expect(try await workspace.runCodexDirectly(prompt: "earlier work", in: alpha).exitCode == 0)
                var environment = workspace.userEnvironment
                environment["HOME"] = home
                environment["TELEGRAM_BOT_TOKEN"] = telegram.token

                let healthy = try await CompanionProcess.run(["doctor", "--config", config], environment: environment)
                #expect(healthy.exitCode == 0, "\(healthy.stdout)\n\(healthy.stderr)")
                #expect(healthy.stdout.contains("✓ Codex home \(workspace.codexHome) (from CODEX_HOME in the environment): 1 session"))
                #expect(healthy.stdout.contains("✓ Codex uses the model provider \"mock\""))
                #expect(healthy.stdout.contains("✓ state directory \(home)/.codex-companion is writable"))
                #expect(healthy.stdout.contains("✓ Telegram bot @\(FakeTelegramServer.botUsername): the token is accepted"))
                #expect(!healthy.stdout.contains(telegram.token))
                #expect(healthy.stdout.contains("✓ engine: app-server (sandbox workspace-write, approval policy on-request"))
                #expect(healthy.stdout.contains("✓ dashboard: 127.0.0.1, port 8787; `codex-companion dashboard` prints a login link"))
                let database = home + "/.codex-companion/companion.sqlite"
                #expect(try Self.mode(home + "/.codex-companion") == 0o700)
                #expect(try Self.mode(database) == 0o600)

                // The sessions live in ~/.codex, but the shell points CODEX_HOME at an empty folder.
                try FileManager.default.createSymbolicLink(atPath: home + "/.codex", withDestinationPath: workspace.codexHome)
                let empty = workspace.root + "/empty-codex-home"
                try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
                environment["CODEX_HOME"] = empty
                environment["TELEGRAM_BOT_TOKEN"] = "42:WRONG-secret"
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home + "/.codex-companion")
                let misplaced = try await CompanionProcess.run(["doctor", "--config", config], environment: environment)
                #expect(misplaced.exitCode == 1)
                #expect(misplaced.stdout.contains("✓ Codex home \(empty) (from CODEX_HOME in the environment): 0 sessions"))
                #expect(misplaced.stdout.contains("! alpha has Codex sessions in \(home)/.codex but none in \(empty)"))
                // Opening the state directory tightens it again.
                #expect(!misplaced.stdout.contains("is readable by other users"))
                #expect(try Self.mode(home + "/.codex-companion") == 0o700)
                #expect(misplaced.stdout.contains("✗ Telegram rejected the bot token"))
                #expect(!misplaced.stdout.contains("WRONG-secret"))
            }
        }
    }

    static func mode(_ path: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }
}
