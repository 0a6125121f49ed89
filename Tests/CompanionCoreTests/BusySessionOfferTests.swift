import CompanionCore
import Foundation
import PortFakes
import Testing

/// A message whose session another Codex process holds fails with a way on: the tap on "Run it in a new
/// session" runs the same message in a new session, once, and only for the chat it came from.
@Suite struct BusySessionOfferTests {
    let busy = "thread/resume failed: thread 0199 already has an active writer (code -32600)"

    func tap(_ rig: RouterRig, _ data: String, user: Int64 = RouterRig.user) async -> String? {
        let id = UUID().uuidString
        await rig.router.handle(IncomingTap(id: id, userID: user, chatID: user, messageID: 5, isPrivate: true, data: data))
        return rig.messenger.taps.last { $0.id == id }?.text
    }

    @Test func theTapRunsTheSameMessageInANewSessionOnce() async throws {
        let rig = RouterRig()
        rig.runner.script("fix the tests", [.turnFailed(message: busy)])
        rig.runner.open("fix the tests")
        await rig.say("/project alpha")
        await rig.say("fix the tests")
        await Eventually.until { rig.store.task(1)?.status == .failed }
        await Eventually.until { await rig.service.snapshot().isIdle }
        let failed = try #require(rig.store.task(1))
        #expect(failed.mode == .continue)

        #expect(await tap(rig, BusySessionOffer.buttonData(taskID: 1), user: 7) == "Not allowed.")
        #expect(await tap(rig, BusySessionOffer.buttonData(taskID: 1)) == "Running it in a new session")
        await Eventually.until { rig.runner.requests.count == 2 }
        let rerun = try #require(rig.runner.requests.last)
        #expect(rerun.prompt == "fix the tests")
        #expect(rerun.resumeThreadID == nil)
        #expect(rig.store.task(2)?.mode == .new)
        // Once: a second tap changes nothing.
        #expect(await tap(rig, BusySessionOffer.buttonData(taskID: 1)) == "This request has expired.")
        #expect(await tap(rig, BusySessionOffer.buttonData(taskID: 99)) == "This request has expired.")
        await Eventually.until { rig.store.task(2)?.status.hasEnded == true }
        #expect(rig.runner.requests.count == 2)
        await rig.stop()
    }

    @Test func theOfferIsMadeOnlyForABusySession() {
        var report = TaskReport(
            taskID: 3, requester: .telegram(chatID: 1), project: RouterRig.alpha, prompt: "p", mode: .continue, session: .new,
            status: .failed, startedAt: Date(), endedAt: Date(), exitCode: 1, turn: TurnRecord(), turnUsage: nil,
            failureReason: "x", stdoutTail: "", stderrTail: "Error: thread/resume failed: thread t already has an active writer")
        #expect(BusySessionOffer.applies(to: report))
        report.stderrTail = "Error: something else"
        #expect(!BusySessionOffer.applies(to: report))
        report.turn.apply(.turnFailed(message: busy))
        #expect(BusySessionOffer.applies(to: report))
        report.status = .cancelled
        #expect(!BusySessionOffer.applies(to: report))
    }
}
