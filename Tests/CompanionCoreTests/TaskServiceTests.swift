import CompanionCore
import Foundation
import PortFakes
import Synchronization
import Testing

/// The task service with a fake of every port: scripted Codex behind gates, a manual clock, an in-memory
/// store. Nothing here waits on codex or the wall clock.
/// The service under test, its fakes, and every event it published.
final class Rig: Sendable {
    let clock = ManualClock()
    let runner = ScriptedCodexRunner()
    let store = InMemoryTaskStore()
    let reaper: FakeReaper
    let service: TaskService
    let log = EventLog()
    let audit = RecordingAudit()
    let jobs: Task<Void, Never>

    init(maxParallel: Int = 2, live: Set<Int32> = []) {
        reaper = FakeReaper(live: live)
        let bridge = CodexBridge(runner: runner, sessions: FakeSessions(), store: store, clock: clock)
        let service = TaskService(
            settings: .init(
                maxParallel: maxParallel, taskTimeout: .seconds(600), idleTimeout: .seconds(60),
                busyRetry: .seconds(2), ownerPID: 1, approvalTimeout: .seconds(600)),
            bridge: bridge, store: store, reaper: reaper, clock: clock, audit: audit)
        self.service = service
        let stream = service.subscribe()
        let log = self.log
        jobs = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await event in stream { log.append(event) } }
                group.addTask { await service.run() }
            }
        }
    }

    func reports() -> [TaskReport] {
        log.all.compactMap { if case .finished(let report) = $0 { report } else { nil } }
    }

    func report(_ taskID: Int64) async -> TaskReport? {
        await Eventually.until { self.reports().contains { $0.taskID == taskID } }
        return reports().first { $0.taskID == taskID }
    }

    func waitUntilRunning(_ prompt: String) async {
        await Eventually.until { self.runner.running.contains(prompt) }
    }

    func stop() async {
        await service.shutdown()
        await jobs.value
    }
}

/// Every event published, in order.
final class EventLog: Sendable {
    private let events = Mutex<[TaskEvent]>([])

    func append(_ event: TaskEvent) {
        events.withLock { $0.append(event) }
    }

    var all: [TaskEvent] { events.withLock { $0 } }
}

@Suite struct TaskServiceTests {
    let alpha = Project(name: "alpha", repoPath: "/code/alpha")
    let beta = Project(name: "beta", repoPath: "/code/beta")
    let chat = Requester.telegram(chatID: 7)

    func request(_ prompt: String, in project: Project, from requester: Requester? = nil) -> TaskRequest {
        TaskRequest(project: project, prompt: prompt, mode: .new, requester: requester ?? chat)
    }

    @Test func oneTaskPerProjectInArrivalOrderAndProjectsInParallel() async throws {
        let rig = Rig()
        guard case .started(let first) = await rig.service.submit(request("a1", in: alpha)) else {
            Issue.record("a1 did not start")
            return
        }
        let second = await rig.service.submit(request("a2", in: alpha))
        guard case .queued(let secondID, 1, .sameProject(let blocker)) = second else {
            Issue.record("a2 was not queued behind a1: \(second)")
            return
        }
        #expect(blocker.id == first)
        guard case .started = await rig.service.submit(request("b1", in: beta)) else {
            Issue.record("b1 did not start beside a1")
            return
        }
        await rig.waitUntilRunning("a1")
        await rig.waitUntilRunning("b1")
        #expect(!rig.runner.running.contains("a2"))
        let snapshot = await rig.service.snapshot()
        // Both started at the same instant of the manual clock: their order is not defined.
        #expect(Set(snapshot.running.map(\.task.request.prompt)) == ["a1", "b1"])
        #expect(snapshot.queued.map(\.request.prompt) == ["a2"])

        rig.runner.open("a1")
        #expect(await rig.report(first)?.status == .done)
        await rig.waitUntilRunning("a2")
        rig.runner.open("a2")
        rig.runner.open("b1")
        #expect(await rig.report(secondID)?.turn.finalMessage == "done: a2")
        #expect(rig.runner.requests.map(\.prompt).last == "a2")
        #expect(rig.runner.requests.count == 3)
        await rig.stop()
    }

    /// A shutdown out of time cancels the service's runs before the service was told to stop (the group
    /// shuts services down in turn): the run is still a shutdown's, so the task is interrupted, not failed.
    @Test func aRunCancelledByTheGroupIsInterruptedNotFailed() async throws {
        let rig = Rig()
        guard case .started(let running) = await rig.service.submit(request("long", in: alpha)) else {
            Issue.record("the task did not start")
            return
        }
        await rig.waitUntilRunning("long")
        rig.jobs.cancel()
        await rig.jobs.value
        #expect(rig.store.task(running)?.status == .interrupted)
        #expect(rig.store.task(running)?.stopReason == .shutdown)
    }

    @Test func cancelStopsTheRunningTaskAndDropsQueuedOnes() async throws {
        let rig = Rig()
        guard case .started(let running) = await rig.service.submit(request("long", in: alpha)) else { return }
        guard case .queued(let waiting, _, _) = await rig.service.submit(request("later", in: alpha)) else { return }
        await rig.waitUntilRunning("long")
        let queuedOnly = await rig.service.cancel(.queued, requester: chat, preferring: "alpha")
        #expect(queuedOnly.stopping == nil && queuedOnly.dropped.map(\.id) == [waiting])
        #expect(rig.store.task(waiting)?.stopReason == .user)
        let dropped = TaskEvent.notRun(QueuedTask(id: waiting, request: request("later", in: alpha)), reason: .stopped(.user))
        await Eventually.until { rig.log.all.contains(dropped) }
        #expect(rig.log.all.contains(dropped))
        // Another chat's cancel reaches nothing.
        let stranger = await rig.service.cancel(.all, requester: .telegram(chatID: 99), preferring: nil)
        #expect(stranger.stopping == nil && stranger.dropped.isEmpty)
        let answer = await rig.service.cancel(.running, requester: chat, preferring: "alpha")
        #expect(answer.stopping?.id == running)
        let report = try #require(await rig.report(running))
        #expect(report.status == .cancelled)
        #expect(report.stopReason == .user)
        #expect(rig.runner.requests.count == 1)
        await rig.stop()
    }

    @Test func theIdleAndTheWallClockLimitsStopARun() async throws {
        let rig = Rig()
        guard case .started(let idle) = await rig.service.submit(request("quiet", in: alpha)) else { return }
        await rig.waitUntilRunning("quiet")
        await rig.clock.waitForSleepers(1)
        rig.clock.advance(by: .seconds(59))
        #expect(rig.reports().isEmpty)
        rig.clock.advance(by: .seconds(2))
        let report = try #require(await rig.report(idle))
        #expect(report.status == .failed)
        #expect(report.stopReason == .timeout(.idle(.seconds(60))))

        // Codex keeps talking, so only the wall-clock limit ends it.
        rig.runner.script("chatty", [.turnStarted])
        guard case .started(let total) = await rig.service.submit(request("chatty", in: beta)) else { return }
        await rig.waitUntilRunning("chatty")
        await rig.clock.waitForSleepers(1)
        rig.clock.advance(by: .seconds(601))
        #expect(await rig.report(total)?.stopReason == .timeout(.total(.seconds(600))))
        await rig.stop()
    }

    @Test func anotherProcessHoldingTheProjectRefusesOrQueues() async throws {
        let rig = Rig(live: [999])
        var holder = StoredTask(
            id: 50, project: "alpha", prompt: "terminal work", mode: .new, status: .running, threadID: nil,
            startedAt: rig.clock.now(), endedAt: nil)
        holder.ownerPID = 999
        rig.store.insert(holder)
        let refused = await rig.service.submit(request("phone", in: alpha), whenBusy: .refuse)
        guard case .refused(.busy(.otherProcess(let busy))) = refused else {
            Issue.record("not refused: \(refused)")
            return
        }
        #expect(busy.id == 50)
        guard case .queued(let waiting, 1, .otherProcess) = await rig.service.submit(request("phone", in: alpha)) else {
            Issue.record("not queued behind the other process")
            return
        }
        #expect(rig.runner.requests.isEmpty)
        // The other process ends its task; the next look (after busyRetry) starts ours.
        try await rig.store.finishTask(
            id: 50,
            report: StoredTask(
                id: 50, project: "alpha", prompt: "terminal work", mode: .new,
                status: .done, threadID: nil, startedAt: rig.clock.now(),
                endedAt: rig.clock.now()
            ).report(project: alpha))
        await rig.clock.waitForSleepers(1)
        rig.clock.advance(by: .seconds(2))
        await rig.waitUntilRunning("phone")
        #expect(rig.store.task(waiting)?.status == .running)
        rig.runner.open("phone")
        #expect(await rig.report(waiting)?.status == .done)
        await rig.stop()
    }

    @Test func recoveryReclaimsDeadOwnersAndLeavesLiveOnesAlone() async throws {
        let rig = Rig(live: [999])
        func stored(_ id: Int64, _ project: String, _ status: TaskStatus, owner: Int32?, codex: Int32? = nil) -> StoredTask {
            var task = StoredTask(
                id: id, project: project, prompt: "task \(id)", mode: .new, status: status, threadID: nil,
                startedAt: rig.clock.now(), endedAt: nil)
            task.ownerPID = owner
            task.codexPID = codex
            task.requester = chat
            return task
        }
        var orphaned = stored(1, "alpha", .running, owner: 4242, codex: 55)  // its daemon died
        orphaned.codexStartedAt = ProcessStartTime(rawValue: "boot-1/5500")
        rig.store.insert(orphaned)
        rig.store.insert(stored(2, "beta", .running, owner: 999, codex: 66))  // a live `run` in a terminal
        rig.store.insert(stored(3, "alpha", .queued, owner: 4242))
        rig.store.insert(stored(4, "gone", .queued, owner: nil))
        let undelivered = await rig.service.recover(projects: [alpha, beta])
        #expect(rig.reaper.stopped.withLock { $0 } == [55])
        // Only the process that started then: the id alone may name another process by now.
        #expect(rig.reaper.stoppedStartTimes.withLock { $0 } == [ProcessStartTime(rawValue: "boot-1/5500")])
        #expect(rig.store.task(1)?.status == .interrupted)
        #expect(rig.store.task(1)?.stopReason == .companionRestarted)
        #expect(rig.store.task(2)?.status == .running)
        #expect(undelivered.map(\.id).contains(1))
        #expect(rig.store.task(4)?.stopReason == .projectRemoved)
        await rig.waitUntilRunning("task 3")
        #expect(rig.store.task(3)?.ownerPID == 1)
        await rig.stop()
    }

    /// A task the crash left running with a progress message on the phone: after recovery it is
    /// interrupted and its message is among those to make final; a live process's task is not.
    @Test func recoveryListsTheProgressMessagesACrashLeftUnfinished() async throws {
        let rig = Rig(live: [999])
        func stored(_ id: Int64, _ project: String, _ status: TaskStatus, owner: Int32?, message: Int64?) -> StoredTask {
            var task = StoredTask(
                id: id, project: project, prompt: "task \(id)", mode: .new, status: status, threadID: nil,
                startedAt: rig.clock.now(), endedAt: status == .running ? nil : rig.clock.now())
            task.ownerPID = owner
            task.requester = chat
            task.progressMessageID = message
            return task
        }
        rig.store.insert(stored(1, "alpha", .running, owner: 4242, message: 71))  // its daemon died mid-answer
        rig.store.insert(stored(2, "beta", .running, owner: 999, message: 72))  // still running elsewhere
        rig.store.insert(stored(3, "alpha", .done, owner: 4242, message: 73))  // died between the card and the freeze
        rig.store.insert(stored(4, "alpha", .done, owner: 4242, message: nil))  // frozen
        _ = await rig.service.recover(projects: [alpha, beta])
        let unfinished = await rig.service.unfinishedProgressMessages()
        #expect(unfinished.map(\.id) == [1, 3])
        #expect(unfinished.map(\.progressMessageID) == [71, 73])
        #expect(unfinished.first?.status == .interrupted)
        await rig.service.noteProgressMessage(nil, of: 1)
        #expect(await rig.service.unfinishedProgressMessages().map(\.id) == [3])
        await rig.stop()
    }

    /// Text steered into a running turn gets its own answer; the answer to the first request stays in the
    /// result, before the added text and its answer.
    @Test func aSteeredTurnKeepsEveryAnswerInOrder() async throws {
        let rig = Rig()
        rig.runner.acceptSteering()
        rig.runner.script(
            "explain the build",
            [.itemCompleted(CodexItem(id: "a1", kind: .agentMessage(text: "The build uses SwiftPM.")))])
        guard case .started(let id) = await rig.service.submit(request("explain the build", in: alpha)) else {
            Issue.record("not started")
            return
        }
        await Eventually.until { rig.runner.takingInput.contains("explain the build") }
        guard case .added = await rig.service.steer(project: "alpha", text: "and the tests?", requester: chat) else {
            Issue.record("not steered")
            return
        }
        rig.runner.open("explain the build")
        let report = try #require(await rig.report(id))
        #expect(report.turn.answers.map(\.text) == ["The build uses SwiftPM.", "done: explain the build"])
        #expect(report.turn.answers.first?.followedBy == "and the tests?")
        let answer = try #require(report.turn.finalMessage)
        #expect(answer.hasPrefix("The build uses SwiftPM."))
        #expect(answer.hasSuffix("done: explain the build"))
        #expect(answer.contains("> and the tests?"))
        // The card shows both answers, the first one first.
        let card = ResultCard().render(report).map(\.plain).joined(separator: "\n")
        let first = try #require(card.range(of: "The build uses SwiftPM."))
        let second = try #require(card.range(of: "done: explain the build"))
        #expect(first.upperBound <= second.lowerBound)
        #expect(rig.store.task(id)?.finalMessage == answer)
        await rig.stop()
    }

    @Test func shutdownInterruptsRunsPublishesTheirEndAndEndsRun() async throws {
        let rig = Rig()
        guard case .started(let id) = await rig.service.submit(request("endless", in: alpha)) else { return }
        guard case .queued(let waiting, _, _) = await rig.service.submit(request("next", in: alpha)) else { return }
        await rig.waitUntilRunning("endless")
        await rig.stop()
        let report = try #require(rig.reports().first { $0.taskID == id })
        #expect(report.status == .interrupted)
        #expect(report.stopReason == .shutdown)
        // The queued task stays queued: it runs after a restart.
        #expect(rig.store.task(waiting)?.status == .queued)
        #expect(await rig.service.submit(request("late", in: beta)) == .refused(.shuttingDown))
        #expect(rig.runner.requests.map(\.prompt) == ["endless"])
    }
}
