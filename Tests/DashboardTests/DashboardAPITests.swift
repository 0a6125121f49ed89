import CompanionCore
import Dashboard
import Foundation
import PortFakes
import Testing

/// The JSON API and the pages over real HTTP, with a real task service behind them.
@Suite struct DashboardAPITests {
    @Test func postingATaskStartsItInTheRightProjectForTheDashboard() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        let started = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"beta","prompt":"hello beta","mode":"new"}"#)
        #expect(started.status == 201)
        let body = try DashboardRig.json(started)
        #expect(body["state"] as? String == "started")
        let id = try #require((body["taskID"] as? NSNumber)?.int64Value)
        await rig.waitUntilRunning("hello beta")
        let run = try #require(rig.runner.requests.first)
        #expect(run.repoPath == DashboardRig.beta.repoPath && run.prompt == "hello beta" && run.resumeThreadID == nil)
        let stored = try #require(rig.store.task(id))
        #expect(stored.requester == .dashboard && stored.project == "beta" && stored.mode == .new)

        let queued = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"beta","prompt":"after it"}"#)
        #expect(queued.status == 202)
        let queuedBody = try DashboardRig.json(queued)
        #expect(queuedBody["state"] as? String == "queued" && queuedBody["position"] as? Int == 1)
        #expect(rig.store.task(try #require((queuedBody["taskID"] as? NSNumber)?.int64Value))?.mode == .continue)

        for (json, message) in [
            (#"{"project":"gamma","prompt":"x"}"#, "unknown project"),
            (#"{"project":"alpha","prompt":"x","mode":"sideways"}"#, "mode must be new or continue"),
            (#"{"project":"alpha","prompt":"   "}"#, "the prompt is empty"),
            ("not json", "the body must be JSON"),
        ] {
            let refused = try await rig.api("POST", "/api/tasks", browser, json: json)
            #expect(refused.status == 400, "\(json)")
            #expect(refused.body.contains(message), "\(json)")
        }
        #expect(rig.runner.requests.count == 1)
        let recorded = rig.audit.entries.withLock { $0 }.filter { $0.requester == .dashboard }
        #expect(recorded.map(\.outcome) == [.ok, .started, .queued, .refused, .refused, .refused])
        #expect(recorded.map(\.project) == [nil, "beta", "beta", nil, "alpha", "alpha"])
        rig.runner.open("hello beta")
        rig.runner.open("after it")
        await rig.stop()
    }

    @Test func theStateListsARunningTaskAndTheTaskItsResult() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        rig.runner.script(
            "count the <lines>",
            [
                .itemCompleted(
                    CodexItem(id: "c1", kind: .commandExecution(CommandExecution(command: "wc -l", exitCode: 0, status: .completed))))
            ]
        )
        let started = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"alpha","prompt":"count the <lines>"}"#)
        let id = try #require((try DashboardRig.json(started)["taskID"] as? NSNumber)?.int64Value)
        await rig.waitUntilRunning("count the <lines>")

        let state = try DashboardRig.json(try await rig.api("GET", "/api/state", browser))
        let projects = try #require(state["projects"] as? [[String: Any]])
        #expect(projects.map { $0["name"] as? String } == ["alpha", "beta"])
        #expect(projects.map { $0["state"] as? String } == ["running", "idle"])
        let running = try #require(state["running"] as? [[String: Any]])
        #expect(running.count == 1)
        #expect((running.first?["id"] as? NSNumber)?.int64Value == id)
        #expect(running.first?["prompt"] as? String == "count the <lines>")
        #expect(running.first?["requester"] as? String == "dashboard")
        let recent = try #require(state["recent"] as? [[String: Any]])
        #expect(recent.first?["status"] as? String == "running" && recent.first?["prompt"] as? String == "count the <lines>")

        let overview = try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie])
        #expect(overview.body.contains("count the &lt;lines&gt;"))
        #expect(!overview.body.contains("count the <lines>"))

        rig.runner.open("count the <lines>")
        await Eventually.until { rig.store.task(id)?.status == .done }
        let task = try DashboardRig.json(try await rig.api("GET", "/api/tasks/\(id)", browser))
        #expect((task["task"] as? [String: Any])?["status"] as? String == "done")
        #expect(task["answer"] as? String == "done: count the <lines>")
        #expect(task["commands"] is [Any] && task["files"] is [Any])
        #expect(try await rig.api("GET", "/api/tasks/999", browser).status == 404)
        #expect(try await rig.client.send("GET", "/tasks/999", headers: ["Cookie": browser.cookie]).status == 404)
        #expect(try await rig.client.send("GET", "/projects/gamma/sessions", headers: ["Cookie": browser.cookie]).status == 404)
        await rig.stop()
    }

    @Test func thePagesShowSessionsAuditAndTheProjectsPatch() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        let sessions = try await rig.client.send("GET", "/projects/alpha/sessions", headers: ["Cookie": browser.cookie])
        #expect(sessions.status == 200 && sessions.body.contains("a terminal session"))
        let patch = try await rig.client.send("GET", "/projects/alpha/diff", headers: ["Cookie": browser.cookie])
        #expect(patch.status == 200)
        #expect(patch.header("content-type")?.hasPrefix("text/x-patch") == true)
        #expect(patch.body == DashboardRig.patch)

        await rig.audit.record(
            AuditEntry(
                time: rig.clock.now(), requester: .telegram(chatID: 7), userID: 7, command: "new", project: "alpha", outcome: .started,
                duration: 0.1))
        await rig.audit.record(
            AuditEntry(
                time: rig.clock.now(), requester: .cli, userID: nil, command: "run", project: "beta", outcome: .refused, duration: 0.1))
        let all = try await rig.client.send("GET", "/audit", headers: ["Cookie": browser.cookie])
        #expect(all.body.contains("<td>new</td>") && all.body.contains("<td>run</td>"))
        let filtered = try await rig.client.send("GET", "/audit?project=&requester=cli&outcome=", headers: ["Cookie": browser.cookie])
        #expect(!filtered.body.contains("<td>new</td>") && filtered.body.contains("<td>run</td>"))
        let nonsense = try await rig.client.send("GET", "/audit?outcome=nonsense", headers: ["Cookie": browser.cookie])
        #expect(nonsense.status == 200 && !nonsense.body.contains("<td>run</td>"))
        await rig.stop()
    }

    @Test func anApprovalIsAnsweredOnceFromTheDashboard() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        rig.runner.scriptApproval(
            "deploy it", ApprovalRequest(turnID: "t1", itemID: "i1", action: .command(command: "make deploy", cwd: "/code/alpha")))
        _ = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"alpha","prompt":"deploy it"}"#)
        await Eventually.until { await !rig.tasks.pendingApprovals().isEmpty }
        let pending = try #require(await rig.tasks.pendingApprovals().first)
        let page = try await rig.client.send("GET", "/approvals", headers: ["Cookie": browser.cookie])
        #expect(page.body.contains("make deploy"))
        let state = try DashboardRig.json(try await rig.api("GET", "/api/state", browser))
        #expect((state["projects"] as? [[String: Any]])?.first?["state"] as? String == "waiting")
        #expect(state["pendingApprovals"] as? [String] == [pending.id.description])

        #expect(try await rig.api("POST", "/api/approvals/nonsense", browser, json: #"{"decision":"accept"}"#).status == 400)
        #expect(try await rig.api("POST", "/api/approvals/\(pending.id)", browser, json: #"{"decision":"maybe"}"#).status == 400)
        let answered = try await rig.api("POST", "/api/approvals/\(pending.id)", browser, json: #"{"decision":"accept"}"#)
        #expect(answered.status == 200)
        #expect(try DashboardRig.json(answered)["decision"] as? String == "accept")
        await Eventually.until { rig.runner.decisions == [.accept] }
        #expect(rig.runner.decisions == [.accept])
        let again = try await rig.api("POST", "/api/approvals/\(pending.id)", browser, json: #"{"decision":"decline"}"#)
        #expect(again.status == 409)
        #expect(try DashboardRig.json(again)["error"] as? String == "expired")
        let form = try await rig.client.send(
            "POST", "/approvals/\(pending.id)",
            headers: ["Cookie": browser.cookie, "Origin": rig.origin, "Content-Type": "application/x-www-form-urlencoded"],
            body: "decision=decline&csrf=\(browser.csrf)")
        #expect(form.status == 409)
        #expect(rig.runner.decisions == [.accept])
        #expect(rig.audit.entries.withLock { $0 }.contains { $0.requester == .dashboard && $0.outcome == .approved })
        rig.runner.open("deploy it")
        await rig.stop()
    }
}
