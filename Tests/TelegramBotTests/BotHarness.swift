import CodexAdapter
import CompanionApp
import CompanionCore
import Foundation
import Logging
import Store
import Synchronization
import TestSupport
import Testing

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

    /// `engine` nil leaves `codex.engine` out of the config (the default engine); `approvals` is the
    /// config's `approvals` section.
    static func make(
        limits: [String: Any]? = nil, engine: CodexEngine? = nil, approvals: [String: Any]? = nil,
        config more: [String: Any] = [:]
    ) async throws -> BotHarness {
        _ = try TestCodex.requireBinary()
        let workspace = try await CodexWorkspace.make()
        let telegram = try await FakeTelegramServer.start()
        let alpha = try await workspace.makeRepository("alpha")
        let beta = try await workspace.makeRepository("beta")
        var extra = telegram.configSection(allowing: owner)
        if let limits { extra["limits"] = limits }
        if let engine { extra["codex"] = ["engine": engine.rawValue] }
        if let approvals { extra["approvals"] = approvals }
        extra.merge(more) { $1 }
        let config = try workspace.writeConfig(projects: [("alpha", alpha), ("beta", beta)], extra: extra)
        return BotHarness(workspace: workspace, telegram: telegram, configPath: config, alpha: alpha, beta: beta)
    }

    /// Starts the daemon; `stop` shuts it down gracefully (as SIGTERM would) and waits for it.
    func startDaemon(
        token: String? = nil, environment more: [String: String] = [:], gracefulShutdownLimit: Duration? = nil,
        onDeskEvent: @escaping @Sendable (DeskWatcher.Event) -> Void = { _ in }
    ) throws -> RunningDaemon {
        // The user's shell: CODEX_HOME and PATH from the environment, nothing about Codex in the config.
        let environment = UserEnvironment(
            ProcessInfo.processInfo.environment.merging(workspace.userEnvironment) { $1 }.merging(more) { $1 })
        let context = try CompanionContext.load(configPath: configPath, environment: environment, warn: { _ in })
        var timing = CompanionDaemon.Timing()
        timing.pollTimeout = 5
        timing.backoffInitial = .milliseconds(50)
        if let gracefulShutdownLimit { timing.gracefulShutdownLimit = gracefulShutdownLimit }
        let dashboard = DashboardLink()
        let daemon = try CompanionDaemon(
            context: context, token: token ?? telegram.token, timing: timing, signals: [],
            logger: Logger(label: "test.daemon", factory: { _ in SwiftLogNoOpLogHandler() }),
            onDashboard: { link, port in dashboard.set(link, port: port) }, onDeskEvent: onDeskEvent)
        let running = RunningDaemon(daemon: daemon, database: context.database, dashboard: dashboard)
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

    /// Waits for Codex's approval request in the owner's chat (the `n`-th one) and returns its message.
    func approvalRequest(_ n: Int = 1) async throws -> FakeTelegramServer.SentMessage {
        try await telegram.waitUntil("approval request #\(n)") { fake in
            fake.messages(to: Self.owner).filter { $0.text.hasPrefix("🔐") }.count >= n
        }
        return telegram.messages(to: Self.owner).filter { $0.text.hasPrefix("🔐") }[n - 1]
    }

    /// Taps the button of `message` whose title starts with `title`, as `user`; returns the query id.
    @discardableResult
    func tap(_ title: String, on message: FakeTelegramServer.SentMessage, as user: Int64 = owner) throws -> String {
        let button = try #require(message.buttons.flatMap { $0 }.first { $0.text.contains(title) })
        return telegram.sendCallbackQuery(from: user, messageID: message.messageID, chatID: user, data: button.data)
    }

    /// Waits for the answer to the tap `queryID` and returns its text.
    func tapAnswer(_ queryID: String) async throws -> String? {
        try await telegram.waitUntil("the answer to tap \(queryID)") { $0.tapAnswers.contains { $0.queryID == queryID } }
        return telegram.tapAnswers.first { $0.queryID == queryID }?.text
    }
}

/// Runs `body` with a fresh harness and always cleans up.
func withBotHarness(
    engine: CodexEngine? = nil, limits: [String: Any]? = nil, approvals: [String: Any]? = nil,
    config: [String: Any] = [:], _ body: (BotHarness) async throws -> Void
) async throws {
    let harness = try await BotHarness.make(limits: limits, engine: engine, approvals: approvals, config: config)
    do {
        try await body(harness)
    } catch {
        await harness.cleanUp()
        throw error
    }
    await harness.cleanUp()
}

final class RunningDaemon: Sendable {
    let daemon: CompanionDaemon
    let database: AppDatabase
    /// The dashboard's first login link and port, once it listens.
    let dashboard: DashboardLink
    private let task: Task<Result<Void, Error>, Never>

    init(daemon: CompanionDaemon, database: AppDatabase, dashboard: DashboardLink) {
        self.daemon = daemon
        self.database = database
        self.dashboard = dashboard
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

/// What the daemon printed for its dashboard: the login link and the port it listens on.
final class DashboardLink: Sendable {
    private let state = Mutex<(link: String, port: Int)?>(nil)
    private let ready = AsyncStream<Void>.makeStream()

    func set(_ link: String, port: Int) {
        state.withLock { $0 = (link, port) }
        ready.continuation.yield()
    }

    /// Waits until the dashboard listens.
    func value() async throws -> (link: String, port: Int) {
        if let value = state.withLock({ $0 }) { return value }
        for await _ in ready.stream {
            if let value = state.withLock({ $0 }) { return value }
        }
        throw TestSupportError("the dashboard never listened")
    }
}
