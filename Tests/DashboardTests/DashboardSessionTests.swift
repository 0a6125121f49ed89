import CompanionCore
import Dashboard
import Foundation
import PortFakes
import Testing

/// A dashboard session over real HTTP: bound to the dashboard's port, found among junk cookies of the same
/// name, ended by its absolute lifetime and by a logout (the clock is the rig's manual one: no waiting).
@Suite struct DashboardSessionTests {
    @Test func theCookieNamesThePortAndAnotherPortsCookieIsNotThisOne() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        #expect(browser.cookie.hasPrefix("companion_session_\(rig.port)="))
        let id = String(browser.cookie.drop { $0 != "=" }.dropFirst())
        // The same id under another port's name, or the old unported name, opens nothing here.
        for name in ["companion_session_\(rig.port + 1)", "companion_session"] {
            let reply = try await rig.client.send("GET", "/", headers: ["Cookie": "\(name)=\(id)"])
            #expect(reply.status == 401, "\(name)")
        }
        // A session of another dashboard (another port) is refused here.
        let other = try await DashboardRig.start()
        let elsewhere = try await other.login()
        let otherID = String(elsewhere.cookie.drop { $0 != "=" }.dropFirst())
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": "\(rig.cookieName)=\(otherID)"]).status == 401)
        #expect(try await other.client.send("GET", "/", headers: ["Cookie": elsewhere.cookie]).status == 200)
        await other.stop()
        await rig.stop()
    }

    @Test func aJunkCookieOfTheSameNameSetFirstDoesNotWin() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        let junk = "\(rig.cookieName)=planted-by-another-local-server"
        for cookie in [
            "\(junk); \(browser.cookie)", "\(browser.cookie); \(junk)", "other=1; \(junk); \(junk)x; \(browser.cookie); more=2",
        ] {
            let page = try await rig.client.send("GET", "/", headers: ["Cookie": cookie])
            #expect(page.status == 200, "\(cookie)")
            #expect(DashboardRig.csrf(in: page.body) == browser.csrf, "\(cookie)")
        }
        // The real session's CSRF token goes with it: a post through the junk goes through.
        let posted = try await rig.client.send(
            "POST", "/api/tasks",
            headers: [
                "Cookie": "\(junk); \(browser.cookie)", "Origin": rig.origin, "X-CSRF-Token": browser.csrf,
                "Content-Type": "application/json",
            ],
            body: #"{"project":"alpha","prompt":"through the junk"}"#)
        #expect(posted.status == 201)
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": "\(junk); \(junk)2"]).status == 401)
        await rig.waitUntilRunning("through the junk")
        rig.runner.open("through the junk")
        await rig.stop()
    }

    @Test func aSessionEndsTwelveHoursAfterItsLoginHoweverMuchItIsUsed() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        for _ in 0..<3 {
            rig.clock.advance(by: .seconds(3 * 3600))
            #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 200)
        }
        rig.clock.advance(by: .seconds(3 * 3600 - 1))
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 200)
        rig.clock.advance(by: .seconds(1))
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 401)
        #expect(try await rig.api("GET", "/api/state", browser).status == 401)
        // A new login link opens a new session.
        let again = try await rig.login()
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": again.cookie]).status == 200)
        await rig.stop()
    }

    @Test func aLogoutEndsTheSessionOnTheServerAndClearsTheCookie() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        let overview = try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie])
        #expect(overview.body.contains("action=\"/logout\""))
        let form = ["Cookie": browser.cookie, "Content-Type": "application/x-www-form-urlencoded"]
        // Like every post: the session's CSRF token and this dashboard's origin, or nothing happens.
        let refused: [(String, [String: String], String)] = [
            ("no csrf field", ["Origin": rig.origin], ""),
            ("a wrong csrf field", ["Origin": rig.origin], "csrf=guess"),
            ("another origin", ["Origin": "http://127.0.0.1:1"], "csrf=\(browser.csrf)"),
            ("no origin", [:], "csrf=\(browser.csrf)"),
        ]
        for (what, headers, body) in refused {
            let reply = try await rig.client.send("POST", "/logout", headers: form.merging(headers) { $1 }, body: body)
            #expect(reply.status == 403, "\(what)")
        }
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 200)

        let out = try await rig.client.send(
            "POST", "/logout", headers: form.merging(["Origin": rig.origin]) { $1 }, body: "csrf=\(browser.csrf)")
        #expect(out.status == 303)
        #expect(out.header("location") == "/login?logged_out=1")
        let cleared = try #require(out.header("set-cookie"))
        #expect(cleared.hasPrefix("\(rig.cookieName)=;") && cleared.contains("Max-Age=0") && cleared.contains("Path=/"))
        // The old cookie names nothing any more, whoever still holds a copy.
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 401)
        #expect(try await rig.api("GET", "/api/state", browser).status == 401)
        let posted = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"alpha","prompt":"after logout"}"#)
        #expect(posted.status == 401)
        let login = try await rig.client.send("GET", "/login?logged_out=1")
        #expect(login.status == 200 && login.body.contains("You have logged out"))
        #expect(!login.body.contains("/logout"))
        #expect(rig.audit.entries.withLock { $0 }.contains { $0.command == "logout" && $0.requester == .dashboard })
        #expect(rig.runner.requests.isEmpty)
        await rig.stop()
    }
}
