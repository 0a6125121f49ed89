import CompanionCore
import Foundation
import PortFakes
import Testing

/// Button taps and steering through the router: only the owner's taps count, every tap's spinner stops,
/// a gone request answers "expired", and plain text reaches a running turn when its engine takes it.
@Suite struct CommandRouterApprovalTests {
    let ask = ApprovalRequest(turnID: "t", itemID: "i", action: .command(command: "rm -rf build", cwd: "/code/alpha"))

    func startWaiting(_ rig: RouterRig) async throws -> PendingApproval {
        rig.runner.scriptApproval("clean up", ask)
        await rig.say("/project alpha")
        await rig.say("/new clean up")
        await Eventually.until { await !rig.service.pendingApprovals().isEmpty }
        return try #require(await rig.service.pendingApprovals().first)
    }

    func tap(_ rig: RouterRig, _ data: String, user: Int64 = RouterRig.user, isPrivate: Bool = true) async -> String? {
        let id = UUID().uuidString
        await rig.router.handle(IncomingTap(id: id, userID: user, chatID: user, messageID: 5, isPrivate: isPrivate, data: data))
        return rig.messenger.taps.last { $0.id == id }?.text
    }

    @Test func theOwnersTapDecidesAndLaterTapsExpire() async throws {
        let rig = RouterRig()
        let waiting = try await startWaiting(rig)
        let approve = ApprovalButton(id: waiting.id, decision: .accept).data
        #expect(await tap(rig, approve) == "Approved")
        await Eventually.until { rig.runner.decisions == [.accept] }
        #expect(rig.runner.decisions == [.accept])
        #expect(await tap(rig, ApprovalButton(id: waiting.id, decision: .decline).data) == "This request has expired.")
        #expect(rig.entries.last?.command == "approval-tap")
        #expect(rig.entries.last?.outcome == .expired)
        rig.runner.open("clean up")
        await rig.stop()
    }

    @Test func strangersAndGroupsCannotDecide() async throws {
        let rig = RouterRig()
        let waiting = try await startWaiting(rig)
        let approve = ApprovalButton(id: waiting.id, decision: .accept).data
        #expect(await tap(rig, approve, user: 666) == "Not allowed.")
        #expect(await tap(rig, approve, isPrivate: false) == "Not allowed.")
        #expect(await rig.service.pendingApprovals() == [waiting])
        #expect(rig.runner.decisions.isEmpty)
        #expect(rig.entries.suffix(2).map(\.outcome) == [.unauthorised, .unauthorised])
        #expect(rig.entries.last?.userID == RouterRig.user)
        #expect(await tap(rig, "ap:nonsense") == "This button is not understood.")
        await rig.say("/cancel")
        await rig.stop()
    }

    @Test func statusShowsTheTaskAsWaitingForApproval() async throws {
        let rig = RouterRig()
        _ = try await startWaiting(rig)
        let status = await rig.say("/status")
        #expect(status.first?.contains("⏸ Waiting 0s for your approval to run `rm -rf build`") == true, "\(status)")
        await rig.say("/cancel")
        await rig.stop()
    }

    @Test func plainTextSteersARunningTaskAndQueueRunsItSeparately() async throws {
        let rig = RouterRig()
        rig.runner.acceptSteering()
        await rig.say("/project alpha")
        await rig.say("/new long job")
        await Eventually.until { rig.runner.takingInput.contains("long job") }
        let steered = await rig.say("use tabs, not spaces")
        #expect(steered.first?.hasPrefix("➕ Added to the running task #1 in alpha") == true, "\(steered)")
        #expect(rig.runner.steered == ["use tabs, not spaces"])
        #expect(rig.outcomes.last == .steered)
        let queued = await rig.say("/queue then write the docs")
        #expect(queued.first?.hasPrefix("Queued (#1 in line)") == true, "\(queued)")
        #expect(rig.runner.steered == ["use tabs, not spaces"])
        // /continue is a task of its own too.
        let continued = await rig.say("/continue and a changelog")
        #expect(continued.first?.hasPrefix("Queued (#2 in line)") == true, "\(continued)")
        await rig.say("/cancel all")
        await rig.stop()
    }

    @Test func withoutSteeringPlainTextQueuesAsBefore() async throws {
        let rig = RouterRig()
        await rig.say("/project alpha")
        await rig.say("/new long job")
        await Eventually.until { rig.runner.running.contains("long job") }
        let reply = await rig.say("one more thing")
        #expect(reply.first?.hasPrefix("Queued (#1 in line)") == true, "\(reply)")
        #expect(rig.runner.steered.isEmpty)
        await rig.say("/cancel all")
        await rig.stop()
    }
}
