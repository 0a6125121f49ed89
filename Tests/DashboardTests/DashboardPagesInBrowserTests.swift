import CompanionCore
import Dashboard
import Foundation
import PortFakes
import TestSupport
import Testing

/// Every page of the dashboard in a real headless Chromium under the Content-Security-Policy: the
/// stylesheet applies, the live script runs and follows `/events`, the forms post (the sessions page's
/// start, an approval, the logout), and the task page updates itself to the result.
@Suite(.enabled(if: HeadlessBrowser.shouldRun, Comment(rawValue: HeadlessBrowser.missingMessage)))
struct DashboardPagesInBrowserTests {
    @Test func everyPageWorksUnderThePolicyAndTheLogoutButtonLogsOut() async throws {
        let rig = try await DashboardRig.start()
        let base = rig.origin
        let link = base + (try await rig.loginPath())
        try await HeadlessBrowser.with { browser in
            try await browser.open(base + "/login")
            try await browser.waitForText("the login page") { $0.contains("Log in") }
            try await Self.expectStyled(browser, "/login")

            try await browser.open(link)
            try await browser.waitForText("the overview") { $0.contains("alpha") && $0.contains("beta") }
            try await Self.expectStyled(browser, "/")
            try await Self.waitUntilLive(browser, "/")

            // The sessions page's form starts a task; its page follows it to the result.
            try await browser.open(base + "/projects/alpha/sessions")
            try await Self.expectStyled(browser, "sessions")
            try await browser.type("from chromium", into: "#prompt")
            try await browser.click("#mode-new")
            try await browser.click("#start")
            try await browser.waitForText("the task page") { $0.contains("from chromium") }
            try await Self.waitUntilLive(browser, "the task page")
            await rig.waitUntilRunning("from chromium")
            rig.runner.open("from chromium")
            try await browser.waitForText("the result, swapped in live") { $0.contains("done: from chromium") }
            try await Self.expectStyled(browser, "the task page")

            // An approval answered with the page's own button.
            rig.runner.scriptApproval(
                "deploy it", ApprovalRequest(turnID: "t1", itemID: "i1", action: .command(command: "make deploy", cwd: "/code/alpha")))
            _ = await rig.tasks.submit(TaskRequest(project: DashboardRig.alpha, prompt: "deploy it", mode: .new, requester: .cli))
            await Eventually.until { await !rig.tasks.pendingApprovals().isEmpty }
            try await browser.open(base + "/approvals")
            try await browser.waitForText("the request") { $0.contains("make deploy") }
            try await Self.expectStyled(browser, "/approvals")
            try await Self.waitUntilLive(browser, "/approvals")
            try await browser.click("section.approval button[value=\"accept\"]")
            await Eventually.until { rig.runner.decisions == [.accept] }
            #expect(rig.runner.decisions == [.accept])
            rig.runner.open("deploy it")

            try await browser.open(base + "/audit")
            try await browser.waitForText("the audit") { $0.contains("Audit") }
            try await Self.expectStyled(browser, "/audit")

            try await browser.click("#logout button")
            try await browser.waitForText("the logged-out page") { $0.contains("You have logged out") }
            try await browser.open(base + "/")
            try await browser.waitForText("the login page again") { $0.contains("Log in") && !$0.contains("alpha") }
        }
        #expect(rig.audit.entries.withLock { $0 }.contains { $0.command == "logout" })
        await rig.stop()
    }

    /// The layout's stylesheet applied (the header is white only through it).
    static func expectStyled(_ browser: HeadlessBrowser, _ page: String) async throws {
        let background = try await browser.evaluate("return getComputedStyle(document.querySelector('header')).backgroundColor")
        #expect(background as? String == "rgb(255, 255, 255)", "\(page)")
    }

    /// Waits until the page's script has opened `/events` (it marks the body), for up to a minute.
    static func waitUntilLive(_ browser: HeadlessBrowser, _ page: String) async throws {
        for _ in 0..<600 {
            if try await browser.evaluate("return document.body.getAttribute('data-live')") as? String == "open" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the live script of \(page) did not open /events")
    }
}
