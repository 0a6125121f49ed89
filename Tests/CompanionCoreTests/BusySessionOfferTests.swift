import CompanionCore
import Foundation
import PortFakes
import Testing

/// A message whose session another Codex process holds fails with ways on: run it when the session is
/// free, in a fork of it, or in a new session; each tap works once, and only for the chat it came from.
@Suite struct BusySessionOfferTests {
    let busy = "thread/resume failed: thread 0199 already has an active writer (code -32600)"

    func tap(_ rig: RouterRig, _ data: String, user: Int64 = RouterRig.user) async -> String? {
        let id = UUID().uuidString
        await rig.router.handle(IncomingTap(id: id, userID: user, chatID: user, messageID: 5, isPrivate: true, data: data))
        return rig.messenger.taps.last { $0.id == id }?.text
    }

    @Test func theTapRunsTheSameMessageInANewSessionOnce() async throws {
        let rig = RouterRig()
        _ = try await failBusy(rig)
        let failed = try #require(rig.store.task(1))
        #expect(failed.mode == .continue)

        #expect(await tap(rig, BusySessionOffer.buttonData(.new, taskID: 1), user: 7) == "Not allowed.")
        #expect(await tap(rig, BusySessionOffer.buttonData(.new, taskID: 1)) == "Running it in a new session")
        await Eventually.until { rig.runner.requests.count == 2 }
        let rerun = try #require(rig.runner.requests.last)
        #expect(rerun.prompt == "fix the tests")
        #expect(rerun.resumeThreadID == nil)
        #expect(rig.store.task(2)?.mode == .new)
        // Once: a second tap changes nothing.
        #expect(await tap(rig, BusySessionOffer.buttonData(.new, taskID: 1)) == "This request has expired.")
        #expect(await tap(rig, BusySessionOffer.buttonData(.new, taskID: 99)) == "This request has expired.")
        await Eventually.until { rig.store.task(2)?.status.hasEnded == true }
        #expect(rig.runner.requests.count == 2)
        await rig.stop()
    }

    /// A busy task of this chat with its session, failed; returns the session's thread id.
    func failBusy(_ rig: RouterRig) async throws -> String {
        let thread = "0199aaaa-bbbb-cccc-dddd-eeeeffff0001"
        rig.sessions.byRepository.withLock {
            $0[RouterRig.alpha.repoPath] = [
                CodexSession(
                    id: thread, cwd: RouterRig.alpha.repoPath, startedAt: nil, lastUsedAt: rig.clock.now(), firstPrompt: "at the desk",
                    source: "cli", cumulativeUsage: nil)
            ]
        }
        rig.runner.script("fix the tests", [.turnFailed(message: busy)])
        rig.runner.open("fix the tests")
        await rig.say("/project alpha")
        await rig.say("fix the tests")
        await Eventually.until { rig.store.task(1)?.status == .failed }
        await Eventually.until { await rig.service.snapshot().isIdle }
        #expect(rig.store.task(1)?.threadID == thread)
        return thread
    }

    @Test func aForkContinuesACopyOfTheBusySession() async throws {
        let rig = RouterRig()
        let thread = try await failBusy(rig)
        #expect(await tap(rig, BusySessionOffer.buttonData(.fork, taskID: 1)) == "Running it in a fork of the session")
        await Eventually.until { rig.runner.requests.count == 2 }
        let fork = try #require(rig.runner.requests.last)
        #expect(fork.forkThreadID == thread)
        #expect(fork.resumeThreadID == nil)
        #expect(fork.prompt == "fix the tests")
        await Eventually.until { rig.store.task(2)?.status.hasEnded == true }
        #expect(rig.store.task(2)?.session == .forked(fromThreadID: thread))
        #expect(await tap(rig, BusySessionOffer.buttonData(.wait, taskID: 1)) == "This request has expired.")
        await rig.stop()
    }

    /// "When the session is free": the task tries again every `sessionBusyRetry` while Codex says the
    /// session is busy, shows that it waits, and runs once the session is free; the idle limit does not
    /// end the wait, `/cancel` does.
    @Test func aWaitRunsTheMessageOnceTheSessionIsFree() async throws {
        let rig = RouterRig()
        let thread = try await failBusy(rig)
        // Another session is the repository's latest by now: the wait is for the busy one all the same.
        rig.sessions.byRepository.withLock {
            $0[RouterRig.alpha.repoPath]?.insert(
                CodexSession(
                    id: "0199aaaa-bbbb-cccc-dddd-eeeeffff0002", cwd: RouterRig.alpha.repoPath, startedAt: nil,
                    lastUsedAt: rig.clock.now(), firstPrompt: "newer", source: "cli", cumulativeUsage: nil),
                at: 0)
        }
        #expect(await tap(rig, BusySessionOffer.buttonData(.wait, taskID: 1)) == "It runs as soon as the session is free")
        await Eventually.until { rig.runner.requests.count == 2 }
        #expect(rig.runner.requests.last?.resumeThreadID == thread)
        // Busy again: the task waits (its watchdog and its pause sleep on the clock), still running.
        await rig.clock.waitForSleepers(2)
        #expect(rig.store.task(2)?.status == .running)
        #expect(rig.runner.requests.count == 2)
        rig.runner.script("fix the tests", [.itemCompleted(CodexItem(id: "m", kind: .agentMessage(text: "Fixed.")))])
        rig.clock.advance(by: .seconds(15))
        await Eventually.until { rig.store.task(2)?.status.hasEnded == true }
        #expect(rig.store.task(2)?.status == .done)
        #expect(rig.runner.requests.count == 3)
        #expect(rig.runner.requests.last?.resumeThreadID == thread)
        await rig.stop()
    }

    @Test func cancelEndsAWaitForTheSession() async throws {
        let rig = RouterRig()
        _ = try await failBusy(rig)
        _ = await tap(rig, BusySessionOffer.buttonData(.wait, taskID: 1))
        await Eventually.until { rig.runner.requests.count == 2 }
        await rig.clock.waitForSleepers(2)
        await rig.say("/cancel")
        await Eventually.until { rig.store.task(2)?.status.hasEnded == true }
        #expect(rig.store.task(2)?.status == .cancelled)
        #expect(rig.runner.requests.count == 2)
        await rig.stop()
    }

    @Test func buttonDataNamesTheChoiceAndTheTask() {
        for choice in BusySessionOffer.Choice.allCases {
            let data = BusySessionOffer.buttonData(choice, taskID: 12)
            #expect(data.utf8.count <= 64)
            #expect(BusySessionOffer.tap(in: data)?.choice == choice)
            #expect(BusySessionOffer.tap(in: data)?.taskID == 12)
        }
        #expect(BusySessionOffer.tap(in: "busy-new:7")?.choice == .new)
        #expect(BusySessionOffer.tap(in: "busy:other:7") == nil)
        #expect(BusySessionOffer.tap(in: "busy:fork:") == nil)
        #expect(BusySessionOffer.buttons(taskID: 1).joined().count == 3)
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
