import CompanionCore
import Dashboard
import Foundation
import Logging
import PortFakes
import ServiceLifecycle
import Testing

/// A real `TaskService` on the port fakes (scripted Codex, in-memory store, manual clock) and the
/// dashboard serving it over HTTP on 127.0.0.1, on a free port, in a ServiceGroup the test shuts down
/// gracefully.
final class DashboardRig: Sendable {
    static let alpha = Project(name: "alpha", repoPath: "/code/alpha")
    static let beta = Project(name: "beta", repoPath: "/code/beta")
    static let patch = """
        diff --git a/README.md b/README.md
        --- a/README.md
        +++ b/README.md
        @@ -1 +1 @@
        -old
        +new

        """

    /// A logged-in browser: its cookie and the CSRF token its pages carry.
    struct Browser {
        var cookie: String
        var csrf: String
    }

    let clock: ManualClock
    let runner: ScriptedCodexRunner
    let store: InMemoryTaskStore
    let loginCodes: FakeLoginCodes
    let audit: FakeAuditLog
    let tasks: TaskService
    let settings: DashboardService.Settings
    let client: HTTPTestClient
    private let group: ServiceGroup
    private let serving: Task<Void, any Error>
    private let jobs: Task<Void, Never>

    var port: Int { settings.port }
    var origin: String { "http://127.0.0.1:\(port)" }
    /// The session cookie's name: it carries the port.
    var cookieName: String { "companion_session_\(port)" }

    private init(
        clock: ManualClock, runner: ScriptedCodexRunner, store: InMemoryTaskStore, loginCodes: FakeLoginCodes, audit: FakeAuditLog,
        tasks: TaskService, settings: DashboardService.Settings, group: ServiceGroup, serving: Task<Void, any Error>,
        jobs: Task<Void, Never>
    ) {
        self.clock = clock
        self.runner = runner
        self.store = store
        self.loginCodes = loginCodes
        self.audit = audit
        self.tasks = tasks
        self.settings = settings
        client = HTTPTestClient(port: settings.port)
        self.group = group
        self.serving = serving
        self.jobs = jobs
    }

    /// `configure` changes the dashboard's settings (the port stays 0: any free one).
    static func start(_ configure: (inout DashboardService.Settings) -> Void = { _ in }) async throws -> DashboardRig {
        let clock = ManualClock()
        let runner = ScriptedCodexRunner()
        let store = InMemoryTaskStore()
        let loginCodes = FakeLoginCodes()
        let audit = FakeAuditLog()
        let sessions = FakeSessions()
        sessions.byRepository.withLock {
            $0[alpha.repoPath] = [
                CodexSession(
                    id: "0199aaaa-0000-0000-0000-00000000a1a1", cwd: alpha.repoPath, startedAt: clock.now(), lastUsedAt: clock.now(),
                    firstPrompt: "a terminal session", source: "cli", cumulativeUsage: nil)
            ]
        }
        let tasks = TaskService(
            settings: .init(maxParallel: 2, ownerPID: 1, approvalTimeout: .seconds(600)),
            bridge: CodexBridge(runner: runner, sessions: sessions, store: store, clock: clock), store: store,
            reaper: FakeReaper(), clock: clock, audit: audit)
        let jobs = Task { await tasks.run() }
        let quiet = Logger(label: "test.dashboard", factory: { _ in SwiftLogNoOpLogHandler() })
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        var settings = DashboardService.Settings(port: 0)
        configure(&settings)
        let dashboard = DashboardService(
            settings: settings, tasks: tasks, events: tasks.subscribe(), projects: [alpha, beta], store: store, audit: audit,
            sessions: sessions, inspector: PatchInspector(patch: patch), loginCodes: loginCodes, clock: clock, auditTrail: audit,
            logger: quiet,
            onListening: { port in
                portSink.yield(port)
                portSink.finish()
            })
        let group = ServiceGroup(configuration: .init(services: [dashboard], logger: quiet))
        let serving = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        settings.port = try #require(await iterator.next())
        return DashboardRig(
            clock: clock, runner: runner, store: store, loginCodes: loginCodes, audit: audit, tasks: tasks, settings: settings,
            group: group, serving: serving, jobs: jobs)
    }

    /// Shuts the dashboard down gracefully (open event streams end), then the task service.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await serving.value
        await tasks.shutdown()
        await jobs.value
    }

    /// A new login link's path and query (`/login?code=…`).
    func loginPath() async throws -> String {
        let link = try await DashboardService.issueLoginLink(settings: settings, loginCodes: loginCodes, clock: clock)
        let prefix = "http://127.0.0.1:\(port)"
        #expect(link.hasPrefix(prefix + "/login?code="))
        return String(link.dropFirst(prefix.count))
    }

    /// Logs in with a new link and reads the CSRF token from the overview.
    func login() async throws -> Browser {
        let reply = try await client.send("GET", try await loginPath())
        #expect(reply.status == 303)
        let setCookie = try #require(reply.header("set-cookie"))
        let cookie = String(setCookie.prefix { $0 != ";" })
        let page = try await client.send("GET", "/", headers: ["Cookie": cookie])
        #expect(page.status == 200)
        return Browser(cookie: cookie, csrf: try #require(Self.csrf(in: page.body)))
    }

    /// A JSON API call as the dashboard's own page script makes it.
    func api(_ method: String, _ path: String, _ browser: Browser, json: String? = nil) async throws -> HTTPReply {
        var headers = ["Cookie": browser.cookie]
        if method != "GET" {
            headers["Origin"] = origin
            headers["X-CSRF-Token"] = browser.csrf
            headers["Content-Type"] = "application/json"
        }
        return try await client.send(method, path, headers: headers, body: json)
    }

    /// The task `prompt` runs as (once Codex was asked to run it).
    func waitUntilRunning(_ prompt: String) async {
        await Eventually.until { self.runner.running.contains(prompt) }
    }

    static func csrf(in page: String) -> String? {
        guard let start = page.range(of: "<meta name=\"csrf-token\" content=\"") else { return nil }
        let rest = page[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func json(_ reply: HTTPReply) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
    }
}

/// Git with a fixed uncommitted change.
struct PatchInspector: RepositoryInspecting {
    var patch: String

    func lineCounts(repoPath: String, paths: [String]) async -> [String: LineCounts] { [:] }

    func uncommittedChanges(repoPath: String) async throws -> RepositoryChanges {
        RepositoryChanges(patch: patch, diffstat: " README.md | 2 +-", fileCount: 1)
    }
}
