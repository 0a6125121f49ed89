import CompanionCore
import Dashboard
import Foundation
import PortFakes
import Testing

/// The dashboard's front door over real HTTP: login links, sessions, and the Host, Origin and CSRF
/// checks every request passes before anything runs.
@Suite struct DashboardServerTests {
    @Test func aLoginLinkWorksOnceAndNotAfterItExpires() async throws {
        let rig = try await DashboardRig.start()
        let path = try await rig.loginPath()
        let first = try await rig.client.send("GET", path)
        #expect(first.status == 303)
        #expect(first.header("location") == "/")
        let cookie = try #require(first.header("set-cookie"))
        #expect(cookie.hasPrefix("\(rig.cookieName)="))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
        #expect(!cookie.contains("Secure"))
        let session = String(cookie.prefix { $0 != ";" })
        let overview = try await rig.client.send("GET", "/", headers: ["Cookie": session])
        #expect(overview.status == 200)
        #expect(overview.body.contains("alpha") && overview.body.contains("beta"))
        #expect(DashboardRig.csrf(in: overview.body) != nil)

        let again = try await rig.client.send("GET", path)
        #expect(again.status == 401)
        #expect(again.header("set-cookie") == nil)
        #expect(again.body.contains("already been used or has expired"))

        let late = try await rig.loginPath()
        rig.clock.advance(by: .seconds(601))
        let expired = try await rig.client.send("GET", late)
        #expect(expired.status == 401)
        #expect(expired.header("set-cookie") == nil)
        #expect(expired.body.contains("already been used or has expired"))
        let unknown = try await rig.client.send("GET", "/login?code=not-a-code")
        #expect(unknown.status == 401 && unknown.header("set-cookie") == nil)
        await rig.stop()
    }

    @Test func aSessionEndsAfterFourHoursUnused() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        rig.clock.advance(by: .seconds(3 * 3600))
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 200)
        rig.clock.advance(by: .seconds(3 * 3600))
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 200)
        rig.clock.advance(by: .seconds(4 * 3600 + 1))
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 401)
        await rig.stop()
    }

    @Test func withoutASessionNothingLeaks() async throws {
        let rig = try await DashboardRig.start()
        let secret = "rotate the secret keys"
        guard
            case .started(let id) = await rig.tasks.submit(
                TaskRequest(project: DashboardRig.alpha, prompt: secret, mode: .new, requester: .telegram(chatID: 7)))
        else {
            Issue.record("the task did not start")
            return
        }
        await rig.waitUntilRunning(secret)
        let paths = [
            "/", "/tasks/\(id)", "/projects/alpha/sessions", "/projects/alpha/diff", "/approvals", "/audit", "/events",
            "/api/state", "/api/tasks/\(id)", "/login",
        ]
        for cookie in [nil, "\(rig.cookieName)=forged"] {
            for path in paths {
                let reply = try await rig.client.send("GET", path, headers: cookie.map { ["Cookie": $0] } ?? [:])
                #expect(reply.status == 401, "\(path)")
                for leak in ["alpha", "beta", "/code/", secret, "a terminal session", "README"] {
                    #expect(!reply.body.contains(leak), "\(path) shows \(leak)")
                }
                if path.hasPrefix("/api/") || path == "/events" {
                    #expect(reply.body.contains("not logged in"), "\(path)")
                } else {
                    #expect(reply.body.contains("Log in"), "\(path)")
                }
            }
        }
        rig.runner.open(secret)
        await rig.stop()
    }

    @Test func aForeignHostIsRefusedAndNothingRuns() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        for host in ["evil.example:\(rig.port)", "evil.example", "127.0.0.1:1", "localhost:1", ""] {
            let page = try await rig.client.send("GET", "/", host: host, headers: ["Cookie": browser.cookie])
            #expect(page.status == 421, "\(host)")
            #expect(!page.body.contains("alpha"))
            let post = try await rig.client.send(
                "POST", "/api/tasks", host: host,
                headers: ["Cookie": browser.cookie, "Origin": "http://\(host)", "X-CSRF-Token": browser.csrf],
                body: #"{"project":"alpha","prompt":"rebound","mode":"new"}"#)
            #expect(post.status == 421, "\(host)")
            let login = try await rig.client.send("GET", try await rig.loginPath(), host: host)
            #expect(login.status == 421 && login.header("set-cookie") == nil)
        }
        #expect(rig.runner.requests.isEmpty)
        #expect(try await rig.store.recentTasks(limit: 10).isEmpty)
        // The names the dashboard answers to.
        for host in ["127.0.0.1:\(rig.port)", "localhost:\(rig.port)", "LOCALHOST:\(rig.port)"] {
            #expect(try await rig.client.send("GET", "/", host: host, headers: ["Cookie": browser.cookie]).status == 200)
        }
        await rig.stop()
    }

    @Test func postsWithoutTheCSRFTokenOrFromAnotherOriginAreRefusedAndNothingRuns() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        let json = #"{"project":"alpha","prompt":"forged","mode":"new"}"#
        let refusedAPI: [(String, [String: String])] = [
            ("no token", ["Origin": rig.origin]),
            ("a wrong token", ["Origin": rig.origin, "X-CSRF-Token": "guess"]),
            ("another origin", ["Origin": "http://evil.example", "X-CSRF-Token": browser.csrf]),
            ("another port", ["Origin": "http://127.0.0.1:1", "X-CSRF-Token": browser.csrf]),
            ("no origin", ["X-CSRF-Token": browser.csrf]),
            ("the token in a form field", ["Origin": rig.origin]),
        ]
        for (what, headers) in refusedAPI {
            let reply = try await rig.client.send(
                "POST", "/api/tasks", headers: headers.merging(["Cookie": browser.cookie]) { $1 },
                body: what == "the token in a form field" ? "csrf=\(browser.csrf)" : json)
            #expect(reply.status == 403, "\(what)")
        }
        let form = "project=alpha&prompt=forged&mode=new"
        let refusedForms: [(String, [String: String], String)] = [
            ("no csrf field", ["Origin": rig.origin], form),
            ("a wrong csrf field", ["Origin": rig.origin], form + "&csrf=guess"),
            ("another origin", ["Origin": "http://evil.example"], form + "&csrf=\(browser.csrf)"),
            ("the token in a header only", ["Origin": rig.origin, "X-CSRF-Token": browser.csrf], form),
        ]
        for (what, headers, body) in refusedForms {
            var headers = headers
            headers["Cookie"] = browser.cookie
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            let reply = try await rig.client.send("POST", "/tasks", headers: headers, body: body)
            #expect(reply.status == 403, "\(what)")
        }
        let anonymous = try await rig.client.send(
            "POST", "/api/tasks", headers: ["Origin": rig.origin, "X-CSRF-Token": browser.csrf], body: json)
        #expect(anonymous.status == 401)
        #expect(rig.runner.requests.isEmpty)
        #expect(try await rig.store.recentTasks(limit: 10).isEmpty)

        // The page's own form goes through.
        let accepted = try await rig.client.send(
            "POST", "/tasks",
            headers: ["Cookie": browser.cookie, "Origin": rig.origin, "Content-Type": "application/x-www-form-urlencoded"],
            body: "project=alpha&prompt=from+the+form%21&mode=new&csrf=\(browser.csrf)")
        #expect(accepted.status == 303)
        let location = try #require(accepted.header("location"))
        #expect(location.hasPrefix("/tasks/"))
        await rig.waitUntilRunning("from the form!")
        #expect(rig.runner.requests.map(\.prompt) == ["from the form!"])
        let page = try await rig.client.send("GET", location, headers: ["Cookie": browser.cookie])
        #expect(page.status == 200 && page.body.contains("from the form!"))
        rig.runner.open("from the form!")
        await rig.stop()
    }

    @Test func noResponseCarriesCORSHeaders() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        let replies = [
            try await rig.client.send("GET", "/api/state", headers: ["Cookie": browser.cookie, "Origin": "http://evil.example"]),
            try await rig.client.send(
                "OPTIONS", "/api/tasks",
                headers: [
                    "Cookie": browser.cookie, "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
                ]),
            try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]),
        ]
        for reply in replies {
            #expect(!reply.headers.contains { $0.name.hasPrefix("access-control-") })
        }
        #expect(replies[0].status == 200)
        #expect(replies[1].status != 200 && replies[1].status != 204)
        #expect(replies[2].header("x-frame-options") == "DENY")
        await rig.stop()
    }

    @Test func aNonLoopbackAddressNeedsTheSetting() async throws {
        let tasks = TaskService(
            settings: .init(ownerPID: 1),
            bridge: CodexBridge(runner: ScriptedCodexRunner(), sessions: FakeSessions(), store: InMemoryTaskStore()),
            store: InMemoryTaskStore(), reaper: FakeReaper())
        let dashboard = DashboardService(
            settings: .init(host: "0.0.0.0", port: 0), tasks: tasks, events: tasks.subscribe(), projects: [], store: InMemoryTaskStore(),
            audit: FakeAuditLog(), sessions: FakeSessions(), inspector: FakeInspector(), loginCodes: FakeLoginCodes())
        await #expect(throws: DashboardError.self) { try await dashboard.run() }
    }
}
