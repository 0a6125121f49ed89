import CompanionCore
import Foundation
import PortFakes
import Testing

/// A desk turn's approval requests through the task service, with the manual clock: the phone hears of
/// one only after the grace, whichever side answers first wins, nothing is decided on a timer, and the
/// turn's end withdraws it. Every step is audited as the desk's.
@Suite struct DeskApprovalTests {
    let alpha = Project(name: "alpha", repoPath: "/code/alpha")
    let ask = ApprovalRequest(
        turnID: "turn-1", itemID: "call-1", action: .command(command: "rm -rf build", cwd: "/code/alpha"), reason: "Clean the build")

    func deskRequest() -> DeskApproval {
        DeskApproval(threadID: "thread-desk", repoPath: "/code/alpha", request: ask, withdrawn: OneShot())
    }

    /// Lets the grace pass with nobody answering at the terminal; the request the phone is then asked.
    func passTheGrace(_ rig: Rig) async throws -> PendingApproval {
        await rig.clock.waitForSleepers(1)
        rig.clock.advance(by: .seconds(20))
        await Eventually.until { await !rig.service.pendingApprovals().isEmpty }
        return try #require(await rig.service.pendingApprovals().first)
    }

    func resolutions(_ rig: Rig) -> [ApprovalOutcome] {
        rig.log.all.compactMap { if case .approvalResolved(_, let outcome) = $0 { outcome } else { nil } }
    }

    func requested(_ rig: Rig) -> [PendingApproval] {
        rig.log.all.compactMap { if case .approvalRequested(let pending) = $0 { pending } else { nil } }
    }

    @Test func thePhoneIsAskedAfterTheGraceAndItsAnswerGoesToCodex() async throws {
        let rig = Rig()
        let approval = deskRequest()
        async let decision = rig.service.askFromDesk(approval, project: alpha, chats: [7, 9])
        await rig.clock.waitForSleepers(1)
        rig.clock.advance(by: .seconds(19))
        // Still the grace's one timer: nothing was asked yet.
        #expect(rig.clock.sleeperCount == 1)
        #expect(await rig.service.pendingApprovals().isEmpty)
        rig.clock.advance(by: .seconds(1))
        await Eventually.until { await !rig.service.pendingApprovals().isEmpty }
        let pending = try #require(await rig.service.pendingApprovals().first)
        #expect(pending.origin == .desk(threadID: "thread-desk", chats: [7, 9]))
        #expect(pending.chats == [7, 9])
        #expect(pending.request == ask)
        #expect(pending.expiresAt == .distantFuture)
        // /status shows it under the desk turn, not under a task.
        rig.service.desk.update(
            DeskTurnProgress(threadID: "thread-desk", repoPath: "/code/alpha", startedAt: rig.clock.now(), doing: nil, steps: 0),
            project: alpha)
        let snapshot = await rig.service.snapshot()
        #expect(snapshot.atTheDesk.first?.waitingFor == [pending])
        #expect(snapshot.running.isEmpty)
        // No timer runs for it, and a day later it still waits: nothing is decided on a timer.
        #expect(rig.clock.sleeperCount == 0)
        rig.clock.advance(by: .seconds(86_400))
        #expect(await rig.service.pendingApprovals() == [pending])

        #expect(await rig.service.answerApproval(pending.id, .accept, by: .telegram(chatID: 7), userID: 42) == .accepted(pending))
        #expect(await decision == .accept)
        #expect(await rig.service.answerApproval(pending.id, .decline, by: .telegram(chatID: 9), userID: 42) == .expired)
        let audit = rig.audit.entries.withLock { $0 }.filter { $0.command.hasPrefix("approval") }
        #expect(audit.map(\.command) == ["approval-request", "approval"])
        #expect(audit.map(\.outcome) == [.waiting, .approved])
        #expect(audit.map(\.requester) == [.desk, .telegram(chatID: 7)])
        await rig.stop()
    }

    @Test func answeredAtTheDeskDuringTheGraceThePhoneNeverHearsOfIt() async throws {
        let rig = Rig()
        let approval = deskRequest()
        async let decision = rig.service.askFromDesk(approval, project: alpha, chats: [7])
        await rig.clock.waitForSleepers(1)
        approval.withdrawn.fulfil(.answeredAtTheDesk)
        #expect(await decision == nil)
        rig.clock.advance(by: .seconds(60))
        #expect(requested(rig).isEmpty)
        #expect(rig.audit.entries.withLock { $0 }.isEmpty)
        await rig.stop()
    }

    @Test func answeredAtTheDeskAfterThePhoneWasAskedThePhoneIsToldWhoDecided() async throws {
        let rig = Rig()
        let approval = deskRequest()
        async let decision = rig.service.askFromDesk(approval, project: alpha, chats: [7])
        let pending = try await passTheGrace(rig)
        approval.withdrawn.fulfil(.answeredAtTheDesk)
        #expect(await decision == nil)
        await Eventually.until { !resolutions(rig).isEmpty }
        #expect(resolutions(rig) == [.decidedAtTheDesk(at: rig.clock.now())])
        #expect(await rig.service.answerApproval(pending.id, .accept, by: .telegram(chatID: 7), userID: 42) == .expired)
        let audit = rig.audit.entries.withLock { $0 }.filter { $0.command == "approval" }
        #expect(audit.map(\.outcome) == [.answeredAtTheDesk])
        await rig.stop()
    }

    /// A tap that comes after the terminal answered, before the broker heard of it, is not taken for
    /// the decision: the phone is told the terminal decided.
    @Test func aTapAfterTheTerminalAnsweredIsExpired() async throws {
        let rig = Rig()
        let approval = deskRequest()
        async let decision = rig.service.askFromDesk(approval, project: alpha, chats: [7])
        let pending = try await passTheGrace(rig)
        approval.withdrawn.fulfil(.answeredAtTheDesk)
        #expect(await rig.service.answerApproval(pending.id, .accept, by: .telegram(chatID: 7), userID: 42) == .expired)
        #expect(await decision == nil)
        await Eventually.until { !resolutions(rig).isEmpty }
        #expect(resolutions(rig) == [.decidedAtTheDesk(at: rig.clock.now())])
        await rig.stop()
    }

    /// The watcher stops asking (its connection to the daemon ended): the phone's message is concluded,
    /// not left with its buttons.
    @Test func aCallerCancelledAfterThePhoneWasAskedLeavesTheRequestExpired() async throws {
        let rig = Rig()
        let approval = deskRequest()
        let asking = Task { await rig.service.askFromDesk(approval, project: alpha, chats: [7]) }
        _ = try await passTheGrace(rig)
        asking.cancel()
        #expect(await asking.value == nil)
        await Eventually.until { !resolutions(rig).isEmpty }
        #expect(resolutions(rig) == [.expired(at: rig.clock.now())])
        #expect(await rig.service.pendingApprovals().isEmpty)
        await rig.stop()
    }

    @Test func theTurnEndingWithdrawsTheRequest() async throws {
        let rig = Rig()
        let approval = deskRequest()
        async let decision = rig.service.askFromDesk(approval, project: alpha, chats: [7])
        _ = try await passTheGrace(rig)
        approval.withdrawn.fulfil(.turnEnded)
        #expect(await decision == nil)
        await Eventually.until { !resolutions(rig).isEmpty }
        #expect(resolutions(rig) == [.expired(at: rig.clock.now())])
        #expect(await rig.service.pendingApprovals().isEmpty)
        await rig.stop()
    }

    @Test func theRequestTextSaysWhereItRunsAndThatNothingIsDecidedOnATimer() {
        let pending = PendingApproval(
            id: ApprovalID(epoch: "abc123", taskID: 0, sequence: 4),
            task: QueuedTask(id: 0, request: TaskRequest(project: alpha, prompt: "", mode: .continue, requester: .desk)),
            request: ask, askedAt: Date(timeIntervalSince1970: 0), expiresAt: .distantFuture,
            origin: .desk(threadID: "0199aaaa-bbbb-cccc-dddd-eeeeffff0001", chats: [7]))
        let text = ApprovalText.request(pending).plain
        #expect(text.hasPrefix("🔐 Codex asks for approval · alpha · at the terminal, session ffff0001"), "\(text)")
        #expect(!text.contains("Task:"))
        #expect(!text.contains("Declined by itself"))
        #expect(text.contains("Nothing is decided on a timer."))
        let concluded = ApprovalText.concluded(
            pending, .decidedAtTheDesk(at: Date(timeIntervalSince1970: 0)), timeZone: TimeZone(identifier: "UTC")!
        ).plain
        #expect(!concluded.contains("Nothing is decided on a timer."))
        #expect(concluded.hasSuffix("🖥 Decided at the terminal at 00:00."), "\(concluded)")
    }
}
