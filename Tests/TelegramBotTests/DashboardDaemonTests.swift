import CompanionCore
import Foundation
import TestSupport
import Testing

/// The dashboard of the running daemon, over real HTTP: the one-time login, what a stranger (another local
/// program, a web page) cannot see or do, and tasks from Telegram and from the dashboard in one service.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct DashboardDaemonTests {
    typealias Owner = BotHarness

    /// Logs in with the daemon's link; returns the base URL, the session cookie and the CSRF token.
    func logIn(_ daemon: RunningDaemon, _ http: LoopbackHTTP) async throws -> (base: String, cookie: String, csrf: String) {
        let (link, port) = try await daemon.dashboard.value()
        let base = "http://127.0.0.1:\(port)"
        #expect(link.hasPrefix(base + "/login?code="))
        let login = try await http.get(link)
        #expect(login.status == 303)
        let setCookie = try #require(login.header("Set-Cookie"))
        #expect(setCookie.contains("HttpOnly"))
        #expect(setCookie.contains("SameSite=Strict"))
        let cookie = String(setCookie.prefix { $0 != ";" })
        // The link works once.
        let again = try await http.get(link)
        #expect(again.header("Set-Cookie") == nil)
        #expect(!again.body.contains("alpha"))
        let overview = try await http.get(base + "/", headers: ["Cookie": cookie])
        #expect(overview.status == 200)
        let csrf = try #require(overview.body.firstMatch(of: /<meta name="csrf-token" content="([^"]+)">/)?.1)
        return (base, cookie, String(csrf))
    }

    @Test func nothingWithoutTheLoginAndNothingFromAnotherSite() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            let http = LoopbackHTTP()
            defer { Task { await http.shutdown() } }
            let (_, port) = try await daemon.dashboard.value()
            let base = "http://127.0.0.1:\(port)"
            // No session: the API says 401, pages show the login page, and neither names a project.
            let api = try await http.get(base + "/api/state")
            #expect(api.status == 401)
            let page = try await http.get(base + "/")
            for body in [api.body, page.body] {
                #expect(!body.contains("alpha") && !body.contains(harness.alpha))
            }
            let session = try await logIn(daemon, http)
            // DNS rebinding: another Host is refused even with a valid session.
            let rebound = try await http.get(base + "/api/state", headers: ["Cookie": session.cookie, "Host": "evil.example:\(port)"])
            #expect(rebound.status >= 400)
            #expect(!rebound.body.contains("alpha"))
            // State changes need the CSRF token and this origin.
            let task = #"{"project": "alpha", "prompt": "from a web page", "mode": "new"}"#
            let noToken = try await http.post(
                base + "/api/tasks", headers: ["Cookie": session.cookie, "Origin": base, "Content-Type": "application/json"], body: task)
            #expect(noToken.status == 403)
            let foreign = try await http.post(
                base + "/api/tasks",
                headers: [
                    "Cookie": session.cookie, "Origin": "http://evil.example", "X-CSRF-Token": session.csrf,
                    "Content-Type": "application/json",
                ], body: task)
            #expect(foreign.status == 403)
            #expect(foreign.header("Access-Control-Allow-Origin") == nil)
            #expect(harness.workspace.fake.requests.isEmpty)
            await daemon.stop()
        }
    }

    @Test func telegramAndDashboardTasksShareOneServiceAndStreamLive() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            let http = LoopbackHTTP()
            defer { Task { await http.shutdown() } }
            let fake = harness.workspace.fake
            fake.script("slow phone task", [.heldMessage("Phone done.", until: "phone")])
            fake.script("from the dashboard", [.shell("touch dashboard-was-here"), .message("Dashboard done.")])
            let session = try await logIn(daemon, http)
            let headers = ["Cookie": session.cookie]
            _ = try await harness.ownerSays("/project alpha")

            // Live events: a task started from Telegram reaches the browser while it runs (its answer is held
            // until the test releases it, so an event sent only at the end would never arrive here).
            let listening = Task {
                let events = try await http.events(session.base + "/events", headers: headers) { events in
                    events.contains { $0.data.contains("\"taskID\":1") || $0.data.contains("\"taskId\":1") }
                }
                return events
            }
            harness.telegram.sendMessage(from: Owner.owner, text: "slow phone task")
            let progress = try await harness.telegram.waitForMessage(to: Owner.owner, "the progress message") { $0.hasPrefix("⏳ alpha") }
            let events = try await listening.value
            #expect(!events.isEmpty)
            #expect(progress.text.hasPrefix("⏳ alpha"))
            #expect(!harness.telegram.messages(to: Owner.owner).contains { $0.text.contains("Phone done.") }, "still running")
            let state = try await http.get(session.base + "/api/state", headers: headers)
            #expect(state.status == 200)
            #expect(state.body.contains("slow phone task"))
            let overview = try await http.get(session.base + "/", headers: headers)
            #expect(overview.body.contains("slow phone task"))

            // A task from the dashboard runs in the right repository, queued behind the phone's.
            let submitted = try await http.post(
                session.base + "/api/tasks",
                headers: headers.merging([
                    "Origin": session.base, "X-CSRF-Token": session.csrf, "Content-Type": "application/json",
                ]) { $1 },
                body: #"{"project": "alpha", "prompt": "from the dashboard", "mode": "continue"}"#)
            #expect([201, 202].contains(submitted.status), "\(submitted.status) \(submitted.body)")
            fake.release("phone")
            try await harness.telegram.waitUntil("the dashboard task to finish") { _ in
                FileManager.default.fileExists(atPath: harness.alpha + "/dashboard-was-here")
            }
            #expect(!FileManager.default.fileExists(atPath: harness.beta + "/dashboard-was-here"))
            let stored = try #require(try await daemon.database.recentTasks(limit: 5).first { $0.prompt == "from the dashboard" })
            #expect(stored.requester == .dashboard)
            await daemon.stop()
        }
    }
}
