import Foundation
import Subprocess
import TestSupport
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// `codex-companion serve` as a real process: answers the owner, stops cleanly on SIGTERM, never prints the token.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)), .timeLimit(.minutes(5)))
struct ServeCommandTests {
    static let owner: Int64 = 777

    @Test func servesTheOwnerAndExitsCleanlyOnSIGTERM() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                let config = try workspace.writeConfig(
                    projects: [("alpha", alpha)],
                    extra: telegram.configSection(allowing: Self.owner))
                workspace.fake.script("hello", [.message("Hello from Codex.")])

                let result = try await Subprocess.run(
                    .path(FilePath(CompanionProcess.executablePath)), arguments: ["serve", "--config", config],
                    environment: .inherit.updating([
                        "TELEGRAM_BOT_TOKEN": telegram.token, "CODEX_COMPANION_POLL_TIMEOUT": "2",
                        "CODEX_HOME": workspace.codexHome, "PATH": workspace.userEnvironment["PATH"],
                    ]),
                    input: .none, output: .string(limit: 1 << 20), error: .string(limit: 1 << 20)
                ) { execution in
                    telegram.sendMessage(from: Self.owner, text: "/project alpha")
                    telegram.sendMessage(from: Self.owner, text: "hello codex")
                    try await telegram.waitForMessage(to: Self.owner, "with the result") { $0.contains("Hello from Codex.") }
                    try execution.send(signal: .terminate)
                }
                #expect(result.terminationStatus == TerminationStatus.exited(0), "\(result.standardError)")
                #expect(!result.standardError.contains(telegram.token))
                #expect(!result.standardOutput.contains(telegram.token))
                #expect(result.standardError.contains("connected to Telegram"))
                // The clean shutdown confirmed every update.
                #expect(telegram.unconfirmedUpdateIDs.isEmpty)
            }
        }
    }

    @Test func tokenProblemsStopWithAClearMessage() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                let tokenFile = workspace.root + "/token"
                try "secret-in-file".write(toFile: tokenFile, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tokenFile)
                let config = try workspace.writeConfig(
                    projects: [("alpha", alpha)],
                    extra: ["telegram": ["allowed_user_ids": [1], "api_base_url": telegram.baseURL, "bot_token_file": tokenFile]])

                let wrong = try await CompanionProcess.run(
                    ["serve", "--config", config], environment: ["TELEGRAM_BOT_TOKEN": "55:WRONG-secret-value"])
                #expect(wrong.exitCode == 1)
                #expect(wrong.stderr.contains("Telegram rejected the bot token"))
                #expect(!wrong.stderr.contains("WRONG-secret-value"))

                let loose = try await CompanionProcess.run(["serve", "--config", config], environment: ["TELEGRAM_BOT_TOKEN": ""])
                #expect(loose.exitCode == 1)
                #expect(loose.stderr.contains("is readable by other users: run `chmod 600"))
                #expect(!loose.stderr.contains("secret-in-file"))
            }
        }
    }
}
