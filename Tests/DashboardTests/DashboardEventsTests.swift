import CompanionCore
import Dashboard
import Foundation
import PortFakes
import Testing

/// `GET /events` over real HTTP: events of a task started through the dashboard, and the replay of
/// what a client missed.
@Suite struct DashboardEventsTests {
    @Test func theStreamDeliversATasksEventsAndReplaysWhatWasMissed() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        rig.runner.script(
            "stream me",
            [
                .itemCompleted(
                    CodexItem(id: "c1", kind: .commandExecution(CommandExecution(command: "swift build", exitCode: 0, status: .completed))))
            ])
        let stream = try await EventStreamClient.open(port: rig.port, cookie: browser.cookie)
        #expect(stream.status == 200)
        var events = stream.events.makeAsyncIterator()

        let submitted = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"alpha","prompt":"stream me"}"#)
        let id = try #require((try DashboardRig.json(submitted)["taskID"] as? NSNumber)?.int64Value)
        let started = try #require(await events.next { $0.event == "started" })
        let startedBody = try #require(started.body)
        #expect(startedBody.taskID == id && startedBody.project == "alpha" && startedBody.status == "running")
        #expect(started.id == startedBody.id)
        let progressed = try #require(await events.next { $0.event == "progressed" && $0.body?.progress?.contains("swift build") == true })
        #expect(progressed.body?.taskID == id)
        #expect(progressed.body?.progress?.contains("✓") == true)
        stream.close()

        // While nobody listens, the task ends.
        rig.runner.open("stream me")
        await Eventually.until { rig.store.task(id)?.status == .done }

        let resumed = try await EventStreamClient.open(port: rig.port, cookie: browser.cookie, lastEventID: progressed.id)
        var missed = resumed.events.makeAsyncIterator()
        let first = try #require(await missed.next())
        #expect(first.id == progressed.id.map { $0 + 1 })
        let finished = first.event == "finished" ? first : try #require(await missed.next { $0.event == "finished" })
        #expect(finished.body?.taskID == id && finished.body?.status == "done")
        #expect((finished.id ?? 0) > (progressed.id ?? .max))
        resumed.close()

        // A client without Last-Event-ID gets only what happens from now on.
        let fresh = try await EventStreamClient.open(port: rig.port, cookie: browser.cookie)
        var next = fresh.events.makeAsyncIterator()
        _ = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"beta","prompt":"later"}"#)
        let later = try #require(await next.next { _ in true })
        #expect(later.event == "started" && later.body?.project == "beta")
        rig.runner.open("later")
        // Shutting down ends the open stream (the server does not wait on it).
        await rig.stop()
        #expect(await next.next { $0.event == "never" } == nil)
    }

    @Test func aQuietStreamGetsAKeepAliveComment() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        let stream = try await EventStreamClient.open(port: rig.port, cookie: browser.cookie)
        var events = stream.events.makeAsyncIterator()
        // The stream's keep-alive timer is the only thing waiting on the clock.
        await rig.clock.waitForSleepers(1)
        rig.clock.advance(by: .seconds(15))
        let comment = try #require(await events.next())
        #expect(comment.event == "comment" && comment.data == "keep-alive")
        stream.close()
        await rig.stop()
    }

    @Test func approvalsShowInTheStream() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        rig.runner.scriptApproval(
            "ask first", ApprovalRequest(turnID: "t1", itemID: "i1", action: .command(command: "rm -rf build", cwd: nil)))
        let stream = try await EventStreamClient.open(port: rig.port, cookie: browser.cookie)
        var events = stream.events.makeAsyncIterator()
        _ = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"alpha","prompt":"ask first"}"#)
        let requested = try #require(await events.next { $0.event == "approvalRequested" })
        let approvalID = try #require(requested.body?.approvalID)
        #expect(requested.body?.status == "waiting")
        #expect(requested.body?.progress?.contains("Waiting for your approval") == true)
        _ = try await rig.api("POST", "/api/approvals/\(approvalID)", browser, json: #"{"decision":"decline"}"#)
        let resolved = try #require(await events.next { $0.event == "approvalResolved" })
        #expect(resolved.body?.approvalID == approvalID && resolved.body?.status == "running")
        stream.close()
        rig.runner.open("ask first")
        await rig.stop()
    }
}
