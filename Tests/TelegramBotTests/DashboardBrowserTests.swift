import CompanionCore
import Foundation
import TestSupport
import Testing

/// A real headless Chromium on the dashboard of the running daemon (app-server engine, the REAL codex):
/// log in with the link, start a task from the sessions page, watch its page update to the result, and
/// approve a request. Screenshots of the overview and the task page are kept in
/// `.build/dashboard-screenshots/` to look at.
@Suite(
    .enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)),
    .enabled(if: HeadlessBrowser.shouldRun, Comment(rawValue: HeadlessBrowser.missingMessage)))
struct DashboardBrowserTests {
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/dashboard-screenshots").path

    @Test func aPersonLogsInStartsATaskWatchesItAndApprovesARequest() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            let fake = harness.workspace.fake
            fake.script("from the browser", [.shell("echo hi > browser.txt"), .message("Made **browser.txt** from the browser.")])
            fake.script(
                "risky from the browser",
                [
                    .escalatedShell("echo yes > approved-in-browser.txt", justification: "Write outside the sandbox"),
                    .message("Approved and done."),
                ])
            let (link, port) = try await daemon.dashboard.value()
            let base = "http://127.0.0.1:\(port)"
            try await HeadlessBrowser.with { browser in
                try await browser.open(link)
                try await browser.waitForText("the overview") { $0.contains("alpha") && $0.contains("beta") }
                try await browser.screenshot(to: Self.screenshots + "/overview.png")

                // Start a task from the sessions page; the browser lands on its page and sees it finish.
                try await browser.open(base + "/projects/alpha/sessions")
                try await browser.type("from the browser, please", into: "#prompt")
                try await browser.click("#mode-new")
                try await browser.click("#start")
                try await browser.waitForText("the result on the task page") { $0.contains("Made browser.txt from the browser.") }
                #expect(try await browser.currentURL().contains("/tasks/"))
                #expect(try await browser.evaluate("return document.getElementById('task-status').dataset.taskStatus") as? String == "done")
                try await harness.telegram.waitUntil("browser.txt") { _ in
                    FileManager.default.fileExists(atPath: harness.alpha + "/browser.txt")
                }
                try await browser.screenshot(to: Self.screenshots + "/task.png")

                // A request that needs approval: the approvals page shows it, and Approve lets it run.
                try await browser.open(base + "/projects/alpha/sessions")
                try await browser.type("risky from the browser", into: "#prompt")
                try await browser.click("#mode-continue")
                try await browser.click("#start")
                try await browser.waitForText("the waiting request on the task page") { $0.lowercased().contains("approval") }
                try await browser.open(base + "/approvals")
                try await browser.waitForText("the request") { $0.contains("echo yes > approved-in-browser.txt") }
                try await browser.screenshot(to: Self.screenshots + "/approvals.png")
                try await browser.click("section.approval button[value=\"accept\"]")
                try await harness.telegram.waitUntil("the approved command to run") { _ in
                    FileManager.default.fileExists(atPath: harness.alpha + "/approved-in-browser.txt")
                }
                let last = try #require(try await daemon.database.recentTasks(limit: 1).first)
                try await browser.open(base + "/tasks/\(last.id)")
                try await browser.waitForText("the approved task's result") { $0.contains("Approved and done.") }
            }
            let audit = try await daemon.database.recentAudit(limit: 30)
            #expect(audit.contains { $0.command == "approval" && $0.outcome == .approved && $0.requester == .dashboard })
            await daemon.stop()
        }
    }
}
