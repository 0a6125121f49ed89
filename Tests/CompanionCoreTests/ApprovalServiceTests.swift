import CompanionCore
import Foundation
import PortFakes
import Testing

/// Approvals and steering through the task service, with the scripted Codex and the manual clock: the
/// first answer wins, nothing is approved by default, a stopped task answers "cancel", every request
/// and decision is audited, and text reaches a running turn only when its engine takes it.
@Suite struct ApprovalServiceTests {
    let alpha = Project(name: "alpha", repoPath: "/code/alpha")
    let chat = Requester.telegram(chatID: 7)
    let ask = ApprovalRequest(
        turnID: "turn-1", itemID: "call-1", action: .command(command: "touch /outside", cwd: "/code/alpha"),
        reason: "Needs to write outside the workspace")

    func start(_ rig: Rig, _ prompt: String) async throws -> Int64 {
        rig.runner.scriptApproval(prompt, ask)
        guard case .started(let id) = await rig.service.submit(TaskRequest(project: alpha, prompt: prompt, mode: .new, requester: chat))
        else {
            throw TestFailure("\(prompt) did not start")
        }
        return id
    }

    func pending(_ rig: Rig) async throws -> PendingApproval {
        await Eventually.until { await !rig.service.pendingApprovals().isEmpty }
        return try #require(await rig.service.pendingApprovals().first)
    }

    func resolutions(_ rig: Rig) -> [ApprovalOutcome] {
        rig.log.all.compactMap { if case .approvalResolved(_, let outcome) = $0 { outcome } else { nil } }
    }

    @Test func anApprovalWaitsForThePersonAndTheFirstAnswerWins() async throws {
        let rig = Rig()
        let id = try await start(rig, "risky")
        let waiting = try await pending(rig)
        #expect(waiting.id.taskID == id)
        #expect(waiting.request == ask)
        await Eventually.until { rig.log.all.contains(.approvalRequested(waiting)) }
        #expect(rig.log.all.contains(.approvalRequested(waiting)))
        // /status shows the task as waiting.
        #expect(await rig.service.snapshot().running.first?.waitingFor == [waiting])

        rig.clock.advance(by: .seconds(42))
        #expect(await rig.service.answerApproval(waiting.id, .accept, by: chat, userID: 4242) == .accepted(waiting))
        #expect(await rig.service.answerApproval(waiting.id, .decline, by: .dashboard, userID: nil) == .expired)
        rig.runner.open("risky")
        let report = try #require(await rig.report(id))
        #expect(report.status == .done)
        #expect(rig.runner.decisions == [.accept])
        #expect(report.turn.commands.map(\.status) == [.completed])
        await Eventually.until { !resolutions(rig).isEmpty }
        #expect(resolutions(rig) == [.decided(.accept, by: .user(chat, userID: 4242), at: rig.clock.now())])

        let audit = rig.audit.entries.withLock { $0 }.filter { $0.command.hasPrefix("approval") }
        #expect(audit.map(\.command) == ["approval-request", "approval"])
        #expect(audit.map(\.outcome) == [.waiting, .approved])
        #expect(audit[1].userID == 4242)
        #expect(audit[1].duration == 42)
        #expect(audit[1].detail == "run touch /outside in /code/alpha")
        await rig.stop()
    }

    @Test func nobodyAnsweringIsANoAfterTheTimeoutNeverAYes() async throws {
        let rig = Rig()
        let id = try await start(rig, "unanswered")
        let waiting = try await pending(rig)
        await rig.clock.waitForSleepers(2)  // the task's watchdog and the request's timeout
        rig.clock.advance(by: .seconds(599))
        #expect(await rig.service.pendingApprovals() == [waiting])
        rig.clock.advance(by: .seconds(2))
        await Eventually.until { rig.runner.decisions == [.decline] }
        #expect(rig.runner.decisions == [.decline])
        await Eventually.until { !resolutions(rig).isEmpty }
        #expect(resolutions(rig).first.map { if case .decided(.decline, .timeout, _) = $0 { true } else { false } } == true)
        // A tap after the timeout changes nothing.
        #expect(await rig.service.answerApproval(waiting.id, .accept, by: chat, userID: 4242) == .expired)
        rig.runner.open("unanswered")
        #expect(try #require(await rig.report(id)).turn.commands.map(\.status) == [.declined])
        #expect(rig.audit.entries.withLock { $0 }.contains { $0.command == "approval" && $0.outcome == .timedOut })
        await rig.stop()
    }

    @Test func waitingForAnAnswerIsNotIdleness() async throws {
        let rig = Rig()  // idle limit 60 s, approvals wait 600 s
        let id = try await start(rig, "slow human")
        let waiting = try await pending(rig)
        await rig.clock.waitForSleepers(2)
        rig.clock.advance(by: .seconds(61))
        await rig.clock.waitForSleepers(2)
        rig.clock.advance(by: .seconds(61))
        await rig.clock.waitForSleepers(2)
        #expect(await rig.service.pendingApprovals() == [waiting])
        #expect(await rig.service.answerApproval(waiting.id, .accept, by: chat, userID: 4242) == .accepted(waiting))
        rig.runner.open("slow human")
        let report = try #require(await rig.report(id))
        #expect(report.status == .done)
        await rig.stop()
    }

    @Test func cancellingTheTaskAnswersTheWaitingRequestWithCancel() async throws {
        let rig = Rig()
        let id = try await start(rig, "stop me")
        _ = try await pending(rig)
        let answer = await rig.service.cancel(.running, requester: chat, preferring: "alpha")
        #expect(answer.stopping?.id == id)
        let report = try #require(await rig.report(id))
        #expect(report.status == .cancelled)
        #expect(rig.runner.decisions == [.cancel])
        await Eventually.until { !resolutions(rig).isEmpty }
        #expect(resolutions(rig).first.map { if case .decided(.cancel, .taskStopped, _) = $0 { true } else { false } } == true)
        #expect(await rig.service.pendingApprovals().isEmpty)
        await rig.stop()
    }

    @Test func cancellingAfterAnApprovalStillStopsTheTask() async throws {
        let rig = Rig()
        let id = try await start(rig, "approve then cancel")
        let waiting = try await pending(rig)
        #expect(await rig.service.answerApproval(waiting.id, .accept, by: chat, userID: 4242) == .accepted(waiting))
        await Eventually.until { rig.runner.decisions == [.accept] }
        // The model takes long after the approval: the turn waits on its gate, and /cancel must stop it.
        let answer = await rig.service.cancel(.running, requester: chat, preferring: "alpha")
        #expect(answer.stopping?.id == id)
        let report = await rig.report(id)
        rig.runner.open("approve then cancel")  // lets a run that ignored the stop end, so the test ends
        #expect(report?.status == .cancelled)
        #expect(report?.stopReason == .user)
        await rig.stop()
    }

    @Test func theTimeLimitStillStopsATaskAfterAnApproval() async throws {
        let rig = Rig()  // wall-clock limit 600 s, idle limit 60 s
        let id = try await start(rig, "approve then hang")
        let waiting = try await pending(rig)
        #expect(await rig.service.answerApproval(waiting.id, .accept, by: chat, userID: 4242) == .accepted(waiting))
        await Eventually.until { rig.runner.decisions == [.accept] }
        await rig.clock.waitForSleepers(1)  // the task's watchdog, alone again
        rig.clock.advance(by: .seconds(61))
        let report = await rig.report(id)
        rig.runner.open("approve then hang")
        #expect(report?.status == .failed)
        #expect(report?.stopReason == .timeout(.idle(.seconds(60))))
        await rig.stop()
    }

    @Test func stopTheTaskButtonStopsItAsACancel() async throws {
        let rig = Rig()
        let id = try await start(rig, "stop button")
        let waiting = try await pending(rig)
        #expect(await rig.service.answerApproval(waiting.id, .cancel, by: chat, userID: 4242) == .accepted(waiting))
        let report = try #require(await rig.report(id))
        #expect(report.status == .cancelled)
        #expect(report.stopReason == .user)
        #expect(rig.runner.decisions == [.cancel])
        await rig.stop()
    }

    @Test func buttonsOfAnotherProcessOrAnUnknownRequestExpire() async throws {
        let rig = Rig()
        _ = try await start(rig, "epochs")
        let waiting = try await pending(rig)
        var stale = waiting.id
        stale.epoch = "zzzzzz"
        #expect(await rig.service.answerApproval(stale, .accept, by: chat, userID: 4242) == .expired)
        var unknown = waiting.id
        unknown.sequence += 1
        #expect(await rig.service.answerApproval(unknown, .accept, by: chat, userID: 4242) == .expired)
        #expect(await rig.service.pendingApprovals() == [waiting])
        #expect(ApprovalID(waiting.id.description) == waiting.id)
        let button = ApprovalButton(id: waiting.id, decision: .acceptForSession)
        #expect(ApprovalButton(data: button.data) == button)
        #expect(button.data.utf8.count <= 64)
        #expect(ApprovalButton(data: "ap:\(waiting.id):x") == nil)
        #expect(ApprovalButton(data: "ap:../etc:a") == nil)
        _ = await rig.service.cancel(.running, requester: chat, preferring: "alpha")
        await rig.stop()
    }

    @Test func textGoesIntoARunningTurnOnlyWhenItsEngineTakesIt() async throws {
        let rig = Rig()
        guard case .started(let id) = await rig.service.submit(TaskRequest(project: alpha, prompt: "long", mode: .new, requester: chat))
        else {
            throw TestFailure("did not start")
        }
        await rig.waitUntilRunning("long")
        // The exec engine takes no input: the text must run as a task of its own.
        #expect(await rig.service.steer(project: "alpha", text: "also this", requester: chat) == .unsupported)
        rig.runner.open("long")
        _ = await rig.report(id)

        rig.runner.acceptSteering()
        guard
            case .started(let second) = await rig.service.submit(TaskRequest(project: alpha, prompt: "longer", mode: .new, requester: chat))
        else {
            throw TestFailure("did not start")
        }
        #expect(await rig.service.steer(project: "alpha", text: "  ", requester: chat) == .emptyText)
        await Eventually.until { rig.runner.takingInput.contains("longer") }
        #expect(await rig.service.steer(project: "alpha", text: "not yours", requester: .telegram(chatID: 8)) == .notRunning)
        #expect(await rig.service.steer(project: "beta", text: "nothing runs", requester: chat) == .notRunning)
        let answer = await rig.service.steer(project: "alpha", text: "use tabs", requester: chat)
        #expect(answer.isAdded)
        #expect(rig.runner.steered == ["use tabs"])
        rig.runner.open("longer")
        _ = await rig.report(second)
        #expect(await rig.service.steer(project: "alpha", text: "too late", requester: chat) == .notRunning)
        await rig.stop()
    }
}

extension SteerAnswer {
    var isAdded: Bool { if case .added = self { true } else { false } }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
