import CompanionCore
import Foundation
import PortFakes
import Synchronization
import Testing

/// The companion's secrets are named in one place: Codex's environment leaves them out, and whatever Codex
/// reports has their values taken out before it is stored or shown.
@Suite struct CompanionSecretsTests {
    static let token = "123456789:AAE-secret_bot_token_value"
    static let key = "sk-transcription-key-0123456789"
    static let fileKey = "sk-key-from-a-file-9876543210"

    static func config(keyEnv: String? = "MY_STT_KEY", keyFile: String? = nil) -> CompanionConfig {
        var config = CompanionConfig(
            projects: [], codex: .init(home: CodexHome(path: "/h/.codex", origin: .defaultLocation)), stateDirectory: "/s",
            telegram: .init(allowedUserIDs: [1], botTokenFile: "/s/token"))
        config.transcription = .init(baseURL: "http://127.0.0.1:1/v1", apiKeyEnv: keyEnv, apiKeyFile: keyFile)
        return config
    }

    @Test func theChildEnvironmentLeavesOutEverySecretVariable() {
        let environment = [
            "HOME": "/h", "PATH": "/usr/bin", "TELEGRAM_BOT_TOKEN": Self.token, "MY_STT_KEY": Self.key, "OTHER": "kept",
        ]
        let secrets = CompanionSecrets.of(Self.config(), environment: environment, readFile: { _ in nil })
        #expect(secrets.variableNames == ["TELEGRAM_BOT_TOKEN", "MY_STT_KEY"])
        #expect(secrets.childEnvironment(environment) == ["HOME": "/h", "PATH": "/usr/bin", "OTHER": "kept"])
        // Without a config, the bot token's variable is still a secret.
        #expect(CompanionSecrets.none.childEnvironment(environment)["TELEGRAM_BOT_TOKEN"] == nil)
        #expect(CompanionSecrets.none.childEnvironment(environment)["MY_STT_KEY"] == Self.key)
    }

    @Test func valuesComeFromTheVariablesAndTheFilesTheConfigNames() {
        let secrets = CompanionSecrets.of(
            Self.config(keyEnv: nil, keyFile: "/s/stt-key"), environment: ["TELEGRAM_BOT_TOKEN": "  \(Self.token)\n"],
            readFile: { path in path == "/s/stt-key" ? Self.fileKey + "\n" : (path == "/s/token" ? Self.token : nil) })
        #expect(Set(secrets.values) == [Self.token, Self.fileKey])
        let text = "token=\(Self.token) key=\(Self.fileKey) short=abc"
        #expect(secrets.redact(text) == "token=[redacted] key=[redacted] short=abc")
        // A value too short to be a real secret is not replaced (it would garble ordinary text).
        #expect(CompanionSecrets(variableNames: [], values: ["abc"]).redact("abc abc") == "abc abc")
    }

    @Test func aSecretSplitAcrossStreamedPiecesNeverShowsInAnyPiece() {
        let stream = RedactingEventStream(secrets: CompanionSecrets(variableNames: [], values: [Self.token]))
        let half = Self.token.count / 2
        let pieces = [
            "The token is 1234", String(Self.token.dropFirst(4).prefix(half - 4)), String(Self.token.dropFirst(half)),
            " and 12345 apples", ".",
        ]
        var shown = ""
        for piece in pieces {
            guard case .agentMessageDelta(_, let passed) = stream.redact(.agentMessageDelta(itemID: "m1", delta: piece)) else {
                Issue.record("not a delta")
                return
            }
            shown += passed
            // No piece shown so far ends with a start of the token longer than a few characters.
            #expect(!shown.contains(Self.token.prefix(6)))
        }
        #expect(shown == "The token is [redacted] and 12345 apples.")
        let completed = stream.redact(
            .itemCompleted(CodexItem(id: "m1", kind: .agentMessage(text: "The token is \(Self.token) and 12345 apples."))))
        #expect(completed == .itemCompleted(CodexItem(id: "m1", kind: .agentMessage(text: "The token is [redacted] and 12345 apples."))))
    }

    @Test func everyTextOfARecordIsRedactedAndNothingElseChanges() {
        var turn = TurnRecord()
        turn.threadID = "thread-1"
        turn.finalMessage = "here: \(Self.token)"
        turn.filesChanged = [FileChange(path: "/r/a.swift", kind: .add)]
        turn.commands = [
            CommandExecution(command: "env", aggregatedOutput: "TELEGRAM_BOT_TOKEN=\(Self.token)\n", exitCode: 0, status: .completed)
        ]
        turn.cumulativeUsage = TokenUsage(inputTokens: 10, cachedInputTokens: 2, outputTokens: 3, reasoningOutputTokens: 1)
        turn.completed = true
        turn.failureMessage = "failed near \(Self.token)"
        turn.warnings = ["warning \(Self.token)"]
        turn.plan = [TodoItem(text: "print \(Self.token)", completed: true)]
        turn.eventCount = 42
        let secrets = CompanionSecrets(variableNames: [], values: [Self.token])
        let redacted = secrets.redact(turn)
        var expected = turn
        expected.finalMessage = "here: [redacted]"
        expected.commands[0].aggregatedOutput = "TELEGRAM_BOT_TOKEN=[redacted]\n"
        expected.failureMessage = "failed near [redacted]"
        expected.warnings = ["warning [redacted]"]
        expected.plan = [TodoItem(text: "print [redacted]", completed: true)]
        #expect(redacted == expected)
        // A record without a secret in it comes back unchanged (the JSON round trip loses nothing).
        #expect(secrets.redact(expected) == expected)
    }

    @Test func anApprovalRequestShowsNoSecret() {
        let secrets = CompanionSecrets(variableNames: [], values: [Self.token])
        let command = ApprovalRequest(
            turnID: "t", itemID: "i", action: .command(command: "curl -H 'token: \(Self.token)' x", cwd: "/r"),
            reason: "uses \(Self.token)")
        let shown = secrets.redact(command)
        #expect(shown.action == .command(command: "curl -H 'token: [redacted]' x", cwd: "/r"))
        #expect(shown.reason == "uses [redacted]")
        #expect(shown.itemID == "i")
        let change = ApprovalRequest(
            turnID: "t", itemID: "j", action: .fileChange(changes: [FileChange(path: "/r/a", kind: .add)], diff: "+\(Self.token)\n"))
        #expect(secrets.redact(change).action == .fileChange(changes: [FileChange(path: "/r/a", kind: .add)], diff: "+[redacted]\n"))
    }

    @Test func theBridgeStoresAndPublishesNoSecretCodexPrinted() async throws {
        let secrets = CompanionSecrets(variableNames: [], values: [Self.token])
        let command = CommandExecution(
            command: "env", aggregatedOutput: "TELEGRAM_BOT_TOKEN=\(Self.token)", exitCode: 0, status: .completed)
        let runner = PrintingRunner(
            events: [
                .threadStarted(threadID: "t1"), .itemCompleted(CodexItem(id: "c1", kind: .commandExecution(command))),
                .agentMessageDelta(itemID: "m1", delta: String(Self.token.prefix(10))),
                .agentMessageDelta(itemID: "m1", delta: String(Self.token.dropFirst(10))),
                .itemCompleted(CodexItem(id: "m1", kind: .agentMessage(text: "It is \(Self.token)"))),
                .turnCompleted(usage: .zero),
            ],
            stdoutTail: "{\"text\":\"\(Self.token)\"}", stderrTail: "error: \(Self.token)")
        let bridge = CodexBridge(runner: runner, sessions: FakeSessions(), store: InMemoryTaskStore(), secrets: secrets)
        let published = Mutex<[CodexEvent]>([])
        let report = await bridge.run(
            taskID: 1,
            request: TaskRequest(project: Project(name: "alpha", repoPath: "/r"), prompt: "run env", mode: .new, requester: .cli),
            session: .new, startedAt: Date(), control: RunControl(), onEvent: { event in published.withLock { $0.append(event) } })
        let everything = "\(report) \(published.withLock { $0 })"
        #expect(!everything.contains(Self.token))
        #expect(!everything.contains(Self.token.prefix(10)))
        #expect(report.turn.finalMessage == "It is [redacted]")
        #expect(report.turn.commands.first?.aggregatedOutput == "TELEGRAM_BOT_TOKEN=[redacted]")
        #expect(report.stderrTail == "error: [redacted]")
    }
}

/// A Codex that prints the given events and ends the turn.
private struct PrintingRunner: CodexRunning {
    var events: [CodexEvent]
    var stdoutTail: String
    var stderrTail: String

    func run(
        _ request: CodexRunRequest, control: RunControl?, onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        var turn = TurnRecord()
        for event in events {
            turn.apply(event)
            await onEvent(event)
        }
        return CodexRunResult(exitCode: 0, startedAt: Date(), endedAt: Date(), turn: turn, stdoutTail: stdoutTail, stderrTail: stderrTail)
    }
}
