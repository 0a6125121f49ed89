import CompanionCore
import Foundation
import TestSupport
import Testing

/// The companion's secrets never reach Codex, and what Codex prints of them is never stored or shown:
/// the REAL codex runs `env` and echoes the values, with the bot token and the transcription key set in
/// the daemon's environment.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct BotSecretsTests {
    static let key = "sk-test-transcription-key-0123456789"

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func codexGetsNoSecretAndNoSecretItPrintsIsStoredOrShown(engine: CodexEngine) async throws {
        let transcription: [String: Any] = ["base_url": "http://127.0.0.1:9/v1", "api_key_env": "COMPANION_TEST_STT_KEY"]
        try await withBotHarness(engine: engine, config: ["transcription": transcription]) { harness in
            let token = harness.telegram.token
            let daemon = try harness.startDaemon(environment: ["TELEGRAM_BOT_TOKEN": token, "COMPANION_TEST_STT_KEY": Self.key])
            // The model knows the values (as if it had read them somewhere) and prints them every way it can.
            harness.workspace.fake.script(
                "show the environment",
                [
                    .shell("env > codex-env.txt; echo token=\(token) key=\(Self.key)"),
                    .message("The token is \(token) and the key is \(Self.key)."),
                ])
            _ = try await harness.ownerSays("/project alpha")
            let replies = try await harness.ownerSays("show the environment", expecting: 2)
            let card = replies[1]
            #expect(card.text.hasPrefix("✅ Done · alpha"))
            #expect(card.text.contains("The token is [redacted] and the key is [redacted]."))

            // Codex's own environment: the user's, without the two secret variables.
            let envFile = harness.alpha + "/codex-env.txt"
            try await harness.telegram.waitUntil("codex's environment") { _ in
                (try? String(contentsOfFile: envFile, encoding: .utf8))?.contains("CODEX_HOME=") == true
            }
            let environment = try String(contentsOfFile: envFile, encoding: .utf8)
            #expect(environment.contains("PATH="))
            #expect(!environment.contains("TELEGRAM_BOT_TOKEN"))
            #expect(!environment.contains("COMPANION_TEST_STT_KEY"))
            #expect(!environment.contains(token))
            #expect(!environment.contains(Self.key))

            // Nothing shown in the chat holds a secret: messages, edits of the progress message, documents.
            let shown =
                harness.telegram.sentMessages.map(\.raw) + harness.telegram.edits.map(\.text)
                + harness.telegram.documents.map { String(decoding: $0.contents, as: UTF8.self) + $0.caption }
            #expect(!shown.contains { $0.contains(token) || $0.contains(Self.key) })

            // Nothing stored holds one: the task as read back, and every byte of the state directory
            // (the database with its journal, the activity log).
            let task = try #require(try await daemon.database.lastTask(project: "alpha"))
            // (Codex hides a token-like word in the command it reports by itself; the output is ours to redact.)
            #expect(task.commands.first?.aggregatedOutput.contains("token=[redacted] key=[redacted]") == true, "\(task.commands)")
            #expect("\(task)".contains("[redacted]"))
            #expect(!"\(task)".contains(token) && !"\(task)".contains(Self.key))
            await daemon.stop()
            for file in try FileManager.default.subpathsOfDirectory(atPath: harness.workspace.stateDirectory) {
                let data = FileManager.default.contents(atPath: harness.workspace.stateDirectory + "/" + file) ?? Data()
                #expect(data.range(of: Data(token.utf8)) == nil, "\(file) holds the bot token")
                #expect(data.range(of: Data(Self.key.utf8)) == nil, "\(file) holds the transcription key")
            }
        }
    }
}
