import CompanionCore
import Foundation

/// The dashboard's view of what runs, folded from the task service's events: each running task's
/// `ProgressState` (as the Telegram progress message shows it) and a bounded ring of the last events as
/// SSE events, for `/events` subscribers and their `Last-Event-ID` replay.
actor LiveBoard {
    private struct Running {
        var progress: ProgressState
        var repoPath: String
    }

    private let capacity: Int
    private let clock: any TaskClock
    private var running: [Int64: Running] = [:]
    private var pending: [ApprovalID: PendingApproval] = [:]
    private var ring: [LiveEvent] = []
    private var nextID: Int
    private var subscribers: [UUID: AsyncStream<LiveEvent>.Continuation] = [:]
    private var closed = false

    /// Ids start at the clock's milliseconds, so that they keep increasing across restarts and an old
    /// `Last-Event-ID` replays the whole ring rather than nothing.
    init(capacity: Int = 500, clock: any TaskClock) {
        self.capacity = capacity
        self.clock = clock
        nextID = Int(clock.now().timeIntervalSince1970 * 1000)
    }

    /// The live progress of a running task.
    func progress(of taskID: Int64) -> ProgressState? {
        running[taskID]?.progress
    }

    func allProgress() -> [Int64: ProgressState] {
        running.mapValues(\.progress)
    }

    /// The events after `lastID` still in the ring, and the events from now on (until `close`).
    func subscribe(after lastID: Int?) -> (replay: [LiveEvent], live: AsyncStream<LiveEvent>) {
        let replay = lastID.map { last in ring.filter { $0.id > last } } ?? []
        let (stream, continuation) = AsyncStream<LiveEvent>.makeStream()
        if closed {
            continuation.finish()
        } else {
            subscribers[UUID()] = continuation
        }
        return (replay, stream)
    }

    /// Ends every subscriber's stream (the server is shutting down): no event follows.
    func close() {
        closed = true
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers = [:]
    }

    func apply(_ event: TaskEvent) {
        switch event {
        case .queued(let task, let position):
            publish("queued", task.id, project: task.request.project.name, status: "queued", position: position)
        case .started(let task):
            let progress = ProgressState(project: task.request.project.name, session: task.session, startedAt: task.startedAt)
            running[task.id] = Running(progress: progress, repoPath: task.request.project.repoPath)
            publish("started", task.id, project: task.request.project.name, status: "running", progress: render(progress))
        case .progressed(let taskID, let codexEvent):
            guard var entry = running[taskID] else { return }
            entry.progress.apply(codexEvent, repoPath: entry.repoPath)
            running[taskID] = entry
            publish("progressed", taskID, project: entry.progress.project, status: status(entry.progress), progress: render(entry.progress))
        case .waitingForSession(let taskID):
            guard var entry = running[taskID] else { return }
            entry.progress.waitForSession()
            running[taskID] = entry
            publish("progressed", taskID, project: entry.progress.project, status: status(entry.progress), progress: render(entry.progress))
        case .deskTurnEnded:
            // The dashboard's timeline shows desk turns later (its own issue); the live board is the phone's.
            return
        case .finished(let report):
            let steps = running.removeValue(forKey: report.taskID)?.progress.steps ?? 0
            publish(
                "finished", report.taskID, project: report.project.name, status: report.status.rawValue,
                progress: ProgressState.frozen(report, steps: steps).plain)
        case .notRun(let task, _):
            publish("notRun", task.id, project: task.request.project.name, status: TaskStatus.cancelled.rawValue)
        case .approvalRequested(let request):
            pending[request.id] = request
            setWaiting(request.id.taskID)
            publish(
                "approvalRequested", request.id.taskID, project: request.task.request.project.name, status: "waiting",
                progress: running[request.id.taskID].map { render($0.progress) }, approvalID: request.id.description)
        case .approvalResolved(let request, _):
            pending[request.id] = nil
            setWaiting(request.id.taskID)
            let progress = running[request.id.taskID]?.progress
            publish(
                "approvalResolved", request.id.taskID, project: request.task.request.project.name,
                status: progress.map(status) ?? "running", progress: progress.map(render), approvalID: request.id.description)
        }
    }

    /// The task's progress says what waits for a decision: its oldest pending request, if any.
    private func setWaiting(_ taskID: Int64) {
        let waiting = pending.values.filter { $0.id.taskID == taskID }.min { $0.askedAt < $1.askedAt }
        running[taskID]?.progress.setWaiting(waiting.map(ApprovalText.waiting))
    }

    private func status(_ progress: ProgressState) -> String {
        progress.waitingFor == nil ? "running" : "waiting"
    }

    private func render(_ progress: ProgressState) -> String {
        progress.render(now: clock.now()).plain
    }

    private func publish(
        _ type: String, _ taskID: Int64, project: String, status: String, progress: String? = nil, approvalID: String? = nil,
        position: Int? = nil
    ) {
        let event = LiveEvent(
            id: nextID, type: type, taskID: taskID, project: project, status: status, progress: progress, approvalID: approvalID,
            position: position)
        nextID += 1
        ring.append(event)
        if ring.count > capacity { ring.removeFirst(ring.count - capacity) }
        for (id, subscriber) in subscribers {
            if case .terminated = subscriber.yield(event) { subscribers[id] = nil }
        }
    }
}
