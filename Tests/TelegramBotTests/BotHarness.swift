import CompanionApp
import CompanionCore
import Foundation
import Logging
import Store
import Synchronization
import TestSupport

/// The whole daemon in-process: the real bot wiring, the REAL codex against the fake Responses server,
/// a real SQLite file, and real HTTP to the fake Telegram server.
final class BotHarness: Sendable {
    static let owner: Int64 = 4242
    static let stranger: Int64 = 6666

    let workspace: CodexWorkspace
    let telegram: FakeTelegramServer
    let configPath: String
    let alpha: String
    let beta: String
    /// Every daemon started, so clean-up can stop them before the fakes (a client connecting while a
    /// fake server shuts down trips an assertion in NIO).
    private let daemons = Mutex<[RunningDaemon]>([])

    private init(workspace: CodexWorkspace, telegram: FakeTelegramServer, configPath: String, alpha: String, beta: String) {
        self.workspace = workspace
        self.telegram = telegram
        self.configPath = configPath
        self.alpha = alpha
        self.beta = beta
    }

    static func make(limits: [String: Any]? = nil) async throws -> BotHarness {
        _ = try TestCodex.requireBinary()
        let workspace = try await CodexWorkspace.make()
        let telegram = try await FakeTelegramServer.start()
        let alpha = try await workspace.makeRepository("alpha")
        let beta = try await workspace.makeRepository("beta")
        var extra = telegram.configSection(allowing: owner)
        if let limits { extra["limits"] = limits }
        let config = try workspace.writeConfig(projects: [("alpha", alpha), ("beta", beta)], extra: extra)
        return BotHarness(workspace: workspace, telegram: telegram, configPath: config, alpha: alpha, beta: beta)
    }

    /// Starts the daemon; `stop` shuts it down gracefully (as SIGTERM would) and waits for it.
    func startDaemon(token: String? = nil) throws -> RunningDaemon {
        // The user's shell: CODEX_HOME and PATH from the environment, nothing about Codex in the config.
        let environment = UserEnvironment(ProcessInfo.processInfo.environment.merging(workspace.userEnvironment) { $1 })
        let context = try CompanionContext.load(configPath: configPath, environment: environment, warn: { _ in })
        var timing = TelegramDaemon.Timing()
        timing.pollTimeout = 5
        timing.backoffInitial = .milliseconds(50)
        let daemon = try TelegramDaemon(
            context: context, token: token ?? telegram.token, timing: timing, signals: [],
            logger: Logger(label: "test.daemon", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = RunningDaemon(daemon: daemon, database: context.database)
        daemons.withLock { $0.append(running) }
        return running
    }

    func cleanUp() async {
        for daemon in daemons.withLock({ $0 }) { await daemon.stop() }
        await telegram.stop()
        await workspace.cleanUp()
    }

    /// Sends `text` as the owner and waits for `replies` more messages in the owner's chat.
    @discardableResult
    func ownerSays(_ text: String?, expecting replies: Int = 1) async throws -> [FakeTelegramServer.SentMessage] {
        let before = telegram.messages(to: Self.owner).count
        telegram.sendMessage(from: Self.owner, text: text)
        let all = try await telegram.waitForMessages(to: Self.owner, count: before + replies)
        return Array(all.dropFirst(before))
    }
}

/// Runs `body` with a fresh harness and always cleans up.
func withBotHarness(limits: [String: Any]? = nil, _ body: (BotHarness) async throws -> Void) async throws {
    let harness = try await BotHarness.make(limits: limits)
    do {
        try await body(harness)
    } catch {
        await harness.cleanUp()
        throw error
    }
    await harness.cleanUp()
}

final class RunningDaemon: Sendable {
    let daemon: TelegramDaemon
    let database: AppDatabase
    private let task: Task<Result<Void, Error>, Never>

    init(daemon: TelegramDaemon, database: AppDatabase) {
        self.daemon = daemon
        self.database = database
        task = Task {
            do {
                try await daemon.run()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
    }

    /// Graceful shutdown; returns how the daemon ended.
    @discardableResult
    func stop() async -> Result<Void, Error> {
        await daemon.serviceGroup.triggerGracefulShutdown()
        let result = await task.value
        return result
    }

    /// Waits for the daemon to end by itself (e.g. on a bad token).
    func ended() async -> Result<Void, Error> {
        await task.value
    }
}
