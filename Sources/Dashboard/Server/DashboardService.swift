import CompanionCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The local web dashboard (issue 12): a client of the task service, like the Telegram bot. It serves
/// the pages, the JSON API and `/events` on a loopback address until a graceful shutdown, and meanwhile
/// folds the task service's events into its live board (progress per running task, the SSE ring).
///
/// Nobody gets in without a one-time login link (`LoginLink`); every request must name this dashboard
/// in its Host header, and every state-changing one must come from its own origin with the session's
/// CSRF token (see `RequestGuard`). Sessions are bound to its port and end at a logout, when unused for a
/// while or at the latest `sessionLifetime` after the login. Every response carries a Content-Security-Policy
/// that lets only the layout's own script and stylesheet run (`ContentSecurityPolicy`). Connections that
/// stay quiet are closed after `idleTimeout`, and no more than `maxConnections` are open at once.
public struct DashboardService: Service {
    public struct Settings: Sendable {
        public var host: String
        /// 0: any free port (`onListening` says which).
        public var port: Int
        /// Whether the Telegram bot runs (the overview says how to turn it on when it does not).
        public var telegramEnabled: Bool
        /// How long a login link works.
        public var loginCodeLifetime: Duration
        /// A session unused this long is gone.
        public var sessionIdleLimit: Duration
        /// A session is gone this long after its login, however much it is used.
        public var sessionLifetime: Duration
        /// Listening on an address other machines can reach needs this, and is logged as a warning.
        public var allowNonLoopback: Bool
        /// How often a quiet `/events` stream gets a comment.
        public var keepAliveInterval: Duration
        /// A connection that has not sent a whole request head this long after it opened, or that stays
        /// quiet this long between requests, is closed (a response being sent, `/events` too, is not quiet).
        public var idleTimeout: Duration
        /// Connections open at once; one more is closed as soon as it is accepted.
        public var maxConnections: Int

        public init(
            host: String = "127.0.0.1", port: Int = 8787, telegramEnabled: Bool = false,
            loginCodeLifetime: Duration = .seconds(600), sessionIdleLimit: Duration = .seconds(4 * 3600),
            sessionLifetime: Duration = .seconds(12 * 3600), allowNonLoopback: Bool = false,
            keepAliveInterval: Duration = .seconds(15), idleTimeout: Duration = .seconds(20), maxConnections: Int = 64
        ) {
            self.host = host
            self.port = port
            self.telegramEnabled = telegramEnabled
            self.loginCodeLifetime = loginCodeLifetime
            self.sessionIdleLimit = sessionIdleLimit
            self.sessionLifetime = sessionLifetime
            self.allowNonLoopback = allowNonLoopback
            self.keepAliveInterval = keepAliveInterval
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
        }
    }

    private let app: DashboardApp
    private let events: AsyncStream<TaskEvent>
    private let onListening: @Sendable (Int) -> Void

    public init(
        settings: Settings, tasks: TaskService, events: AsyncStream<TaskEvent>, projects: [Project], store: any TaskStoring,
        audit: any AuditReading, sessions: any SessionLocating, inspector: any RepositoryInspecting,
        loginCodes: any LoginCodeStoring, clock: any TaskClock = SystemClock(), auditTrail: (any AuditRecording)? = nil,
        logger: Logger = Logger(label: "companion.dashboard"), onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        app = DashboardApp(
            settings: settings, tasks: tasks, projects: projects, store: store, audit: audit, auditTrail: auditTrail,
            codexSessions: sessions,
            inspector: inspector, loginCodes: loginCodes, clock: clock, board: LiveBoard(clock: clock),
            sessions: SessionBook(idleLimit: settings.sessionIdleLimit, lifetime: settings.sessionLifetime, clock: clock),
            pages: DashboardPages(),
            port: ListeningPort(), logger: logger)
        self.events = events
        self.onListening = onListening
    }

    /// A new login link for this dashboard's address, valid for the settings' lifetime.
    public static func issueLoginLink(
        settings: Settings, loginCodes: any LoginCodeStoring, clock: any TaskClock = SystemClock()
    ) async throws -> String {
        try await LoginLink.issue(
            host: settings.host, port: settings.port, lifetime: settings.loginCodeLifetime, loginCodes: loginCodes, clock: clock)
    }

    /// Serves until a graceful shutdown, which also ends every `/events` stream.
    public func run() async throws {
        let settings = app.settings
        if !DashboardAddress.isLoopback(settings.host) {
            guard settings.allowNonLoopback else { throw DashboardError.nonLoopbackHost(settings.host) }
            app.logger.warning(
                "the dashboard listens on a non-loopback address: other machines can reach it (they still need a login link)",
                metadata: ["host": "\(settings.host)"])
        }
        let port = app.port
        let onListening = self.onListening
        let logger = app.logger
        // A local flood of silent or half-sent connections must not use up the daemon's file descriptors:
        // the idle timeout closes them, the connection limit closes what comes over it at once.
        let limit = ConnectionLimit(maximum: settings.maxConnections, logger: logger)
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [limit.handler()], idleTimeout: TimeAmount(settings.idleTimeout))
        let server = Application(
            router: app.router(), server: .http1(configuration: http),
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? settings.port
                port.set(bound)
                logger.info("the dashboard listens", metadata: ["host": "\(settings.host)", "port": "\(bound)"])
                onListening(bound)
            }, logger: logger)
        let board = app.board
        let events = self.events
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { await board.apply(event) }
            }
            group.addTask {
                try? await gracefulShutdown()
                await board.close()
            }
            try await server.run()
            group.cancelAll()
        }
    }
}

/// Why the dashboard did not start.
public enum DashboardError: Error, CustomStringConvertible {
    case nonLoopbackHost(String)

    public var description: String {
        switch self {
        case .nonLoopbackHost(let host):
            "The dashboard would listen on \(host), which other machines can reach; that needs an explicit setting."
        }
    }
}
