import Foundation
import Logging

/// Where tasks live, for every client (Telegram, the CLI, later the dashboard). It owns the queue, runs
/// Codex through the bridge, recovers after a restart, keeps delivery marks, and publishes `TaskEvent`s
/// to any number of subscribers. Clients call it with requests and get typed answers; nothing calls back
/// into a client.
///
/// Its jobs (the Codex runs, retries, session refreshes) run inside `run()`, which ends once `shutdown`
/// has stopped every run. The store keeps one running task per project across processes, so a daemon
/// and a `codex-companion run` in a terminal never run Codex in the same repository at once.
public actor TaskService {
    public struct Settings: Sendable {
        public var maxParallel: Int
        /// Wall-clock limit of one task.
        public var taskTimeout: Duration
        /// Limit on time without any Codex event.
        public var idleTimeout: Duration
        /// How often a task waiting for another process's run looks again.
        public var busyRetry: Duration
        /// This process: recorded as the owner of the tasks it runs.
        public var ownerPID: Int32
        /// How long an approval request waits for an answer before it is declined.
        public var approvalTimeout: Duration
        /// How often a task that waits for a session busy in another Codex process tries again.
        public var sessionBusyRetry: Duration
        /// How long a desk turn's approval request is left to the terminal before the chats are asked.
        public var deskApprovalGrace: Duration

        public init(
            maxParallel: Int = 2, taskTimeout: Duration = .seconds(3600), idleTimeout: Duration = .seconds(900),
            busyRetry: Duration = .seconds(2), ownerPID: Int32, approvalTimeout: Duration = .seconds(600),
            sessionBusyRetry: Duration = .seconds(15), deskApprovalGrace: Duration = .seconds(20)
        ) {
            self.deskApprovalGrace = deskApprovalGrace
            self.approvalTimeout = approvalTimeout
            self.sessionBusyRetry = sessionBusyRetry
            self.maxParallel = maxParallel
            self.taskTimeout = taskTimeout
            self.idleTimeout = idleTimeout
            self.busyRetry = busyRetry
            self.ownerPID = ownerPID
        }
    }

    /// What `submit` does when the project is busy.
    public enum BusyPolicy: Sendable {
        /// Queue the task; it starts by itself.
        case wait
        /// Refuse it at once, naming what runs.
        case refuse
    }

    private enum Job {
        case work(@Sendable () async -> Void)
        case shutdown
    }

    private let settings: Settings
    private let bridge: CodexBridge
    private let store: any TaskStoring
    private let reaper: any ProcessReaping
    private let clock: any TaskClock
    private let logger: Logger
    private let events: TaskEventHub
    /// Codex's approval requests while they wait for a person.
    private let approvals: ApprovalBroker
    /// The turns running at the desk, kept by the desk watcher.
    public nonisolated let desk = DeskTurns()
    private let jobs: AsyncStream<Job>
    private let jobSink: AsyncStream<Job>.Continuation
    private var queue: TaskQueue
    private var retryScheduled = false
    private var stopping = false

    public init(
        settings: Settings, bridge: CodexBridge, store: any TaskStoring, reaper: any ProcessReaping,
        clock: any TaskClock = SystemClock(), audit: (any AuditRecording)? = nil,
        logger: Logger = Logger(label: "companion.tasks")
    ) {
        let events = TaskEventHub()
        self.events = events
        approvals = ApprovalBroker(
            timeout: settings.approvalTimeout, clock: clock, audit: audit, publish: { events.publish($0) })
        self.settings = settings
        self.bridge = bridge
        self.store = store
        self.reaper = reaper
        self.clock = clock
        self.logger = logger
        queue = TaskQueue(maxParallel: settings.maxParallel)
        (jobs, jobSink) = AsyncStream.makeStream()
    }

    // MARK: - Running

    /// Runs the service's jobs until `shutdown` (or `requestShutdown`) has stopped every run.
    public nonisolated func run() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                switch job {
                case .work(let work):
                    group.addTask { await work() }
                case .shutdown:
                    await shutdown()
                }
            }
            // Every run has ended; what is left are retry timers and session refreshes.
            group.cancelAll()
        }
    }

    /// A turn that ran at the desk ended: its clients tell `chats`.
    public nonisolated func reportDeskTurn(_ turn: DeskTurn, project: Project, to chats: [Int64]) {
        desk.ended(threadID: turn.threadID)
        events.publish(.deskTurnEnded(bridge.shown(turn).report(project: project), chats: chats))
    }

    /// A desk turn started or moved on: /status and the dashboard show it.
    public nonisolated func noteDeskTurn(_ progress: DeskTurnProgress, project: Project) {
        desk.update(bridge.shown(progress), project: project)
    }

    /// A desk turn's approval request: the clients are asked once the grace has passed unanswered at the
    /// terminal (`chats` get it in Telegram). The decision to send Codex, or nil once it was withdrawn.
    public nonisolated func askFromDesk(_ approval: DeskApproval, project: Project, chats: [Int64]) async -> ApprovalDecision? {
        var approval = approval
        approval.request = bridge.shown(approval.request)
        return await approvals.askFromDesk(approval, project: project, chats: chats, grace: settings.deskApprovalGrace)
    }

    /// Asks for a shutdown from a context that cannot wait (a graceful-shutdown handler).
    public nonisolated func requestShutdown() {
        jobSink.yield(.shutdown)
    }

    /// Nothing new starts, running tasks are interrupted (Codex gets SIGINT), and `run` ends once they
    /// have ended and their results are published. Queued tasks stay queued: they run after a restart.
    public func shutdown() {
        guard !stopping else { return }
        stopping = true
        for entry in queue.running.values { entry.control.stop(.shutdown) }
        finishIfStopped()
    }

    /// Events from now on, until the service has shut down.
    public nonisolated func subscribe() -> AsyncStream<TaskEvent> {
        events.subscribe()
    }

    // MARK: - Requests

    /// Admits a task: it starts now, waits in the queue, or is refused with the reason.
    public func submit(_ request: TaskRequest, whenBusy: BusyPolicy = .wait) async -> SubmitAnswer {
        var request = request
        request.prompt = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !request.prompt.isEmpty else { return .refused(.emptyPrompt) }
        guard !stopping else { return .refused(.shuttingDown) }
        let project = request.project.name
        if whenBusy == .refuse, let blocker = await blocker(of: project) {
            return .refused(.busy(blocker))
        }
        let id: Int64
        do {
            id = try await store.queueTask(
                NewTask(
                    requester: request.requester, project: project, prompt: request.prompt,
                    mode: request.mode, askedAt: clock.now(), ownerPID: settings.ownerPID, images: request.images))
        } catch {
            logger.error("recording a task failed", metadata: ["project": "\(project)", "error": "\(error)"])
            return .refused(.storeFailed)
        }
        let task = QueuedTask(id: id, request: request)
        queue.append(task)
        await startEligible()
        if queue.isRunning(id) { return .started(taskID: id) }
        guard let position = queue.position(of: id) else {
            // It left the line while this call waited: it ended without running (the store failed).
            return .refused(.storeFailed)
        }
        let blocker = await blocker(of: project) ?? .allSlots
        if whenBusy == .refuse {
            // Another request took the project meanwhile.
            _ = queue.dropWaiting { $0.id == id }
            await endWithoutRun(task, reason: .projectBusy)
            return .refused(.busy(blocker))
        }
        events.publish(.queued(task, position: position))
        return .queued(taskID: id, position: position, behind: blocker)
    }

    /// Stops the requester's running task (preferring the one in `project`) and/or drops its queued ones.
    public func cancel(_ scope: CancelScope, requester: Requester, preferring project: String?) async -> CancelAnswer {
        var answer = CancelAnswer(stopping: nil, ambiguous: false, dropped: [], stillQueued: 0)
        if scope.includesRunning {
            let mine = queue.runningByStart.filter { $0.task.request.requester == requester }
            // The preferred project's task first; with none there, the requester's only running task.
            let target = mine.first { $0.task.request.project.name == project } ?? (mine.count == 1 ? mine.first : nil)
            if let target {
                target.control.stop(.user)
                answer.stopping = target.task
            } else {
                answer.ambiguous = mine.count > 1
            }
        }
        if scope.includesQueued {
            answer.dropped = queue.dropWaiting { $0.request.requester == requester }
            for task in answer.dropped { await endWithoutRun(task, reason: .user) }
        } else {
            answer.stillQueued = queue.waiting.filter { $0.request.requester == requester }.count
        }
        return answer
    }

    /// A client's answer to an approval request; the first answer wins. "Stop the task" also stops it.
    public func answerApproval(
        _ id: ApprovalID, _ decision: ApprovalDecision, by requester: Requester, userID: Int64?
    )
        async -> ApprovalAnswerResult
    {
        let result = await approvals.answer(id, decision, by: requester, userID: userID)
        if case .accepted(let pending) = result, decision == .cancel {
            queue.running.values.first { $0.task.id == pending.id.taskID }?.control.stop(.user)
        }
        return result
    }

    /// The requests that wait for a person, oldest first.
    public func pendingApprovals() async -> [PendingApproval] {
        await approvals.allPending()
    }

    /// Adds `text` to the requester's running task in `project`, when its engine takes input now.
    public func steer(project: String, text: String, requester: Requester) async -> SteerAnswer {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .emptyText }
        guard let entry = queue.running[project], entry.task.request.requester == requester else { return .notRunning }
        switch await entry.control.channel.steer(text) {
        case .added:
            logger.info("text added to a running turn", metadata: ["task": "\(entry.task.id)", "project": "\(project)"])
            return .added(entry.task)
        case .unsupported:
            return .unsupported
        case .failed(let reason):
            logger.warning("steering failed", metadata: ["task": "\(entry.task.id)", "reason": "\(reason)"])
            return .failed
        }
    }

    /// Which way Codex's turns run now, for `/status`.
    public func codexWay() async -> String? {
        await bridge.currentWay()
    }

    /// What runs and waits now, here and in other companion processes.
    public func snapshot() async -> TaskSnapshot {
        let mine = Set(queue.running.values.map(\.task.id))
        var elsewhere: [StoredTask] = []
        do {
            for task in try await store.runningTasks() where !mine.contains(task.id) {
                if await isRunElsewhere(task) { elsewhere.append(task) }
            }
        } catch {
            logger.error("reading running tasks failed", metadata: ["error": "\(error)"])
        }
        let waiting = await approvals.allPending()
        return TaskSnapshot(
            running: queue.runningByStart.map { entry in
                TaskSnapshot.Running(
                    task: entry.task, startedAt: entry.startedAt,
                    waitingFor: waiting.filter { $0.id.taskID == entry.task.id && !$0.isFromTheDesk })
            },
            queued: queue.waiting, elsewhere: elsewhere,
            atTheDesk: desk.running.map { turn in
                TaskSnapshot.AtTheDesk(
                    project: turn.project, progress: turn.progress,
                    waitingFor: waiting.filter { $0.origin.threadID == turn.progress.threadID })
            },
            deskWatch: desk.watch)
    }

    /// One task by its id, whatever its state.
    public func task(id: Int64) async throws -> StoredTask? {
        try await store.task(id: id)
    }

    /// The most recent task of a project, whatever its state.
    public func lastTask(project: String) async throws -> StoredTask? {
        try await store.lastTask(project: project)
    }

    /// A client delivered the task's result to its requester.
    public func markDelivered(_ taskID: Int64) async {
        let (store, now) = (store, clock.now())
        do {
            // In a task of its own: a shutdown cancels the presenter right after a card went out, and a
            // cancelled write would leave the card undelivered, so the next start would send it again.
            try await Task { try await store.markTaskDelivered(id: taskID, at: now) }.value
        } catch {
            logger.error("recording a delivery failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
        }
    }

    /// The message a client shows the task's progress in, while it is unfinished; nil once it is final.
    public func noteProgressMessage(_ messageID: Int64?, of taskID: Int64) async {
        do {
            try await store.recordProgressMessage(id: taskID, messageID: messageID)
        } catch {
            logger.error("recording a progress message failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
        }
    }

    /// After `recover`: ended tasks whose progress message was left unfinished by a companion that
    /// stopped first, for the client to make final.
    public func unfinishedProgressMessages() async -> [StoredTask] {
        do {
            return try await store.unfinishedProgressMessages()
        } catch {
            logger.error("reading unfinished progress messages failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The line counts a client showed with the task's files, kept so /last shows the same card.
    public func recordLineCounts(_ counts: [String: LineCounts], of taskID: Int64) async {
        do {
            try await store.recordLineCounts(id: taskID, counts: counts)
        } catch {
            logger.error("recording line counts failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
        }
    }

    // MARK: - Recovery

    /// After a restart: tasks left running by a dead process are interrupted (their Codex stopped first),
    /// queued ones are taken up again in order, and the results that never reached their chat are
    /// returned for the clients to deliver. Tasks of another live companion process are left alone.
    public func recover(projects: [Project]) async -> [StoredTask] {
        do {
            for task in try await store.runningTasks() where !(await isRunElsewhere(task)) {
                await reclaim(task)
            }
            let undelivered = try await store.undeliveredResults()
            for stored in try await store.queuedTasks() where !(await isRunElsewhere(stored)) {
                guard let project = projects.first(where: { $0.name == stored.project }) else {
                    let request = TaskRequest(
                        project: Project(name: stored.project, repoPath: ""), prompt: stored.prompt,
                        mode: stored.mode, requester: stored.requester)
                    await endWithoutRun(QueuedTask(id: stored.id, request: request), reason: .projectRemoved)
                    continue
                }
                queue.append(
                    QueuedTask(
                        id: stored.id,
                        request: TaskRequest(
                            project: project, prompt: stored.prompt, mode: stored.mode, requester: stored.requester,
                            images: stored.images)))
            }
            await startEligible()
            return undelivered
        } catch {
            logger.error("recovering tasks after a restart failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    // MARK: - Starting and ending runs

    private func startEligible() async {
        while !stopping, let entry = queue.takeNext(control: makeControl, now: clock.now()) {
            await start(entry)
        }
        finishIfStopped()
    }

    /// The handle of a task's run: Codex's approval requests go to the broker, with the task.
    private func makeControl(_ task: QueuedTask) -> RunControl {
        let channel = TurnChannel()
        let control = RunControl(startedAt: clock.now(), channel: channel)
        let approvals = self.approvals
        let clock = self.clock
        let bridge = self.bridge
        channel.setApprover { [weak control] request in
            guard let control else { return .cancel }
            control.waitingForUser(at: clock.now())
            defer { control.userAnswered(at: clock.now()) }
            return await approvals.ask(bridge.shown(request), for: task, control: control)
        }
        return control
    }

    /// Takes the project's slot in the store and launches the run; a slot held elsewhere puts the task back.
    private func start(_ entry: TaskQueue.Running) async {
        let task = entry.task
        let session = await bridge.resolveSession(for: task.request)
        let startedAt = clock.now()
        do {
            try await takeSlot(task, session: session, startedAt: startedAt)
        } catch let busy as ProjectBusy {
            queue.putBack(task)
            queue.heldElsewhere[task.request.project.name] = .some(busy.holder)
            scheduleRetry()
            return
        } catch {
            logger.error("starting a task failed", metadata: ["task": "\(task.id)", "error": "\(error)"])
            queue.release(task.id)
            events.publish(.notRun(task, reason: .storeFailed))
            return
        }
        events.publish(.started(StartedTask(id: task.id, request: task.request, session: session, startedAt: startedAt)))
        let bridge = self.bridge
        let events = self.events
        jobSink.yield(
            .work { [self] in
                let report = await Self.execute(
                    task, session: session, startedAt: startedAt, control: entry.control,
                    bridge: bridge, settings: settings, clock: clock
                ) { event in
                    events.publish(.progressed(taskID: task.id, event))
                } onWaitingForSession: {
                    events.publish(.waitingForSession(taskID: task.id))
                }
                await self.finish(report)
            })
    }

    /// Marks the task running; a slot held by a dead process is reclaimed and taken once more.
    private func takeSlot(_ task: QueuedTask, session: SessionNote, startedAt: Date) async throws {
        do {
            try await store.markTaskRunning(id: task.id, session: session, startedAt: startedAt, ownerPID: settings.ownerPID)
        } catch let busy as ProjectBusy {
            guard let holder = busy.holder, !(await isRunElsewhere(holder)) else { throw busy }
            await reclaim(holder)
            try await store.markTaskRunning(id: task.id, session: session, startedAt: startedAt, ownerPID: settings.ownerPID)
        }
    }

    /// Runs Codex beside a watchdog that stops it at the wall-clock or idle limit. A task that waits for
    /// a busy session (`TaskRequest.waitsForBusySession`) tries again every `sessionBusyRetry` while Codex
    /// says another process writes to the session, until it runs, is stopped, or reaches its time limit.
    private static func execute(
        _ task: QueuedTask, session: SessionNote, startedAt: Date, control: RunControl,
        bridge: CodexBridge, settings: Settings, clock: any TaskClock,
        onEvent: @escaping @Sendable (CodexEvent) -> Void, onWaitingForSession: @escaping @Sendable () -> Void
    ) async -> TaskReport {
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await watch(control, startedAt: startedAt, settings: settings, clock: clock)
                }
                var report = await bridge.run(
                    taskID: task.id, request: task.request, session: session, startedAt: startedAt,
                    control: control, onEvent: onEvent)
                while task.request.waitsForBusySession, BusySessionOffer.applies(to: report) {
                    // Each failed try showed as the run's end: the progress says again that it waits.
                    onWaitingForSession()
                    // A wait the person asked for is no sign of a stuck run: the idle limit does not count it.
                    control.waitingForUser(at: clock.now())
                    let stopped = await pause(settings.sessionBusyRetry, unless: control, clock: clock)
                    control.userAnswered(at: clock.now())
                    if let stopped {
                        report.status = stopped.status
                        report.stopReason = stopped
                        report.failureReason = nil
                        report.endedAt = clock.now()
                        break
                    }
                    report = await bridge.run(
                        taskID: task.id, request: task.request, session: session, startedAt: startedAt,
                        control: control, onEvent: onEvent)
                }
                group.cancelAll()
                return report
            }
        } onCancel: {
            // Only a shutdown that ran out of time cancels a run (the group cancels what is left, before
            // this service may have been told to stop): Codex ends because of it, so the task is
            // interrupted, not failed.
            control.stop(.shutdown)
        }
    }

    /// Waits `duration`; returns early with the reason when the run is asked to stop.
    private static func pause(_ duration: Duration, unless control: RunControl, clock: any TaskClock) async -> StopReason? {
        await withTaskGroup(of: StopReason?.self) { group in
            group.addTask {
                try? await clock.sleep(for: duration)
                return nil
            }
            group.addTask { await control.waitForStop() }
            let first = await group.next() ?? nil
            group.cancelAll()
            // Cancelled (a shutdown out of time) before the stop reached the control: a shutdown all the same.
            return first ?? control.stopReason ?? (Task.isCancelled ? .shutdown : nil)
        }
    }

    private static func watch(_ control: RunControl, startedAt: Date, settings: Settings, clock: any TaskClock) async {
        let deadline = startedAt.addingTimeInterval(settings.taskTimeout.seconds)
        while !Task.isCancelled {
            let now = clock.now()
            // Waiting for a person's answer is not idleness: the approval has its own timeout.
            let idleFrom = control.isWaitingForUser ? now : control.lastActivity
            let idleDeadline = idleFrom.addingTimeInterval(settings.idleTimeout.seconds)
            if now >= deadline {
                control.stop(.timeout(.total(settings.taskTimeout)))
                return
            }
            if now >= idleDeadline {
                control.stop(.timeout(.idle(settings.idleTimeout)))
                return
            }
            do {
                try await clock.sleep(until: min(deadline, idleDeadline))
            } catch {
                return
            }
        }
    }

    /// The run ended: the store frees the project, clients hear of it, and the next task starts.
    private func finish(_ report: TaskReport) async {
        // Codex waits for none of the turn's requests any more: their messages say so before the result.
        await approvals.expireAll(taskID: report.taskID)
        do {
            // In a task of its own, so cancellation does not reach it: a shutdown that runs out of time
            // cancels what is left (on a loaded machine, Codex may not have exited by then), and a cancelled
            // write would leave the task `running`.
            let store = self.store
            try await Task { try await store.finishTask(id: report.taskID, report: report) }.value
        } catch {
            logger.error("recording the task's end failed", metadata: ["task": "\(report.taskID)", "error": "\(error)"])
        }
        events.publish(.finished(report))
        queue.release(report.taskID)
        let bridge = self.bridge
        let project = report.project
        jobSink.yield(.work { await bridge.refreshSessions(of: project) })
        await startEligible()
        finishIfStopped()
    }

    private func endWithoutRun(_ task: QueuedTask, reason: StopReason) async {
        do {
            try await store.endTaskWithoutRun(id: task.id, reason: reason, at: clock.now())
        } catch {
            logger.error("ending a task failed", metadata: ["task": "\(task.id)", "error": "\(error)"])
        }
        events.publish(.notRun(task, reason: .stopped(reason)))
    }

    /// During shutdown, once no run is left: clients get their last events and `run` ends.
    private func finishIfStopped() {
        guard stopping, queue.running.isEmpty else { return }
        events.finish()
        jobSink.finish()
    }

    // MARK: - Other processes

    /// What keeps a task in `project` from starting now, if anything.
    private func blocker(of project: String) async -> Blocker? {
        if let mine = queue.running[project] { return .sameProject(mine.task) }
        do {
            if let holder = try await store.runningTask(project: project), await isRunElsewhere(holder) {
                return .otherProcess(holder)
            }
        } catch {
            logger.error("reading the running task failed", metadata: ["project": "\(project)", "error": "\(error)"])
        }
        if case let holder?? = queue.heldElsewhere[project] { return .otherProcess(holder) }
        return queue.running.count >= queue.maxParallel ? .allSlots : nil
    }

    /// Whether another live companion process runs (or waits with) this task. This process's own rows
    /// count as not elsewhere: what it runs, it knows in memory; anything else of its pid is stale.
    private func isRunElsewhere(_ task: StoredTask) async -> Bool {
        guard let owner = task.ownerPID, owner != settings.ownerPID else { return false }
        return await reaper.isCompanionRunning(pid: owner)
    }

    /// A running task whose owner died: its Codex is stopped and the task is recorded as interrupted.
    private func reclaim(_ task: StoredTask) async {
        if let pid = task.codexPID { await reaper.stopIfCodex(pid: pid, started: task.codexStartedAt) }
        do {
            try await store.interruptTask(id: task.id, reason: .companionRestarted, at: clock.now())
            logger.warning("a task was interrupted by a restart", metadata: ["task": "\(task.id)", "project": "\(task.project)"])
        } catch {
            logger.error("recording an interrupted task failed", metadata: ["task": "\(task.id)", "error": "\(error)"])
        }
    }

    /// Looks again, after a pause, at projects another process held.
    private func scheduleRetry() {
        guard !retryScheduled else { return }
        retryScheduled = true
        let clock = self.clock
        let pause = settings.busyRetry
        jobSink.yield(
            .work { [self] in
                do {
                    try await clock.sleep(for: pause)
                } catch {
                    return
                }
                await self.retryHeld()
            })
    }

    private func retryHeld() async {
        retryScheduled = false
        queue.heldElsewhere = [:]
        await startEligible()
    }
}
