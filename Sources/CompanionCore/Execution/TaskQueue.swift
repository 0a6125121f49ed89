import Foundation

/// One Codex run per repository at a time (Codex allows one writer per session), different
/// repositories in parallel up to a global cap. Waiting work starts by itself, in arrival order.
/// Each run gets a `RunControl` so it can be cancelled, timed out, or interrupted at shutdown.
public actor TaskQueue {
    public struct Job: Sendable, Equatable {
        public var taskID: Int64
        public var request: BridgeRequest

        public init(taskID: Int64, request: BridgeRequest) {
            self.taskID = taskID
            self.request = request
        }
    }

    public struct Running: Sendable {
        public var job: Job
        public var control: RunControl
        public var startedAt: Date
    }

    public struct Limits: Sendable, Equatable {
        public var maxParallel: Int
        /// Wall-clock limit for one task.
        public var taskTimeout: Duration
        /// Limit on time without any Codex event.
        public var idleTimeout: Duration

        public init(maxParallel: Int = 2, taskTimeout: Duration = .seconds(3600), idleTimeout: Duration = .seconds(900)) {
            self.maxParallel = max(1, maxParallel)
            self.taskTimeout = taskTimeout
            self.idleTimeout = idleTimeout
        }
    }

    public enum Admission: Sendable, Equatable {
        case startedNow
        /// Waiting; `position` 1 is next in line.
        case queued(position: Int)
        /// The companion is shutting down.
        case refused
    }

    private let limits: Limits
    private let launcher: any WorkLaunching
    private let execute: @Sendable (Job, RunControl) async -> Void
    private let now: @Sendable () -> Date
    private var waiting: [Job] = []
    private var running: [String: Running] = [:]
    private var stopping = false

    /// `execute` runs one job to its end (Codex run, result delivery); the queue starts it through `launcher`.
    public init(limits: Limits, launcher: any WorkLaunching, now: @escaping @Sendable () -> Date = { Date() },
                execute: @escaping @Sendable (Job, RunControl) async -> Void) {
        self.limits = limits
        self.launcher = launcher
        self.now = now
        self.execute = execute
    }

    public func enqueue(_ job: Job) -> Admission {
        guard !stopping else { return .refused }
        waiting.append(job)
        startEligible()
        if running.values.contains(where: { $0.job.taskID == job.taskID }) { return .startedNow }
        return .queued(position: (waiting.firstIndex { $0.taskID == job.taskID } ?? 0) + 1)
    }

    /// Asks the running task of a project to stop; returns it, or nil if none runs.
    public func cancelRunning(project: String) -> Job? {
        guard let entry = running[project] else { return nil }
        entry.control.stop(.cancelledByUser)
        return entry.job
    }

    /// Removes a chat's waiting jobs and returns them.
    public func dropQueued(chatID: Int64) -> [Job] {
        let dropped = waiting.filter { $0.request.chatID == chatID }
        waiting.removeAll { $0.request.chatID == chatID }
        return dropped
    }

    public var runningTasks: [Running] { running.values.sorted { $0.startedAt < $1.startedAt } }
    public var queuedJobs: [Job] { waiting }

    /// Shutdown: nothing new starts, and every running task is interrupted.
    public func stopAll() {
        stopping = true
        for entry in running.values { entry.control.stop(.shutdown) }
    }

    private func startEligible() {
        guard !stopping else { return }
        var index = 0
        while index < waiting.count && running.count < limits.maxParallel {
            let job = waiting[index]
            guard running[job.request.project.name] == nil else { index += 1; continue }
            waiting.remove(at: index)
            let control = RunControl()
            running[job.request.project.name] = Running(job: job, control: control, startedAt: now())
            let limits = self.limits
            let execute = self.execute
            launcher.launch { [self] in
                await Self.run(job, control: control, limits: limits, execute: execute)
                await self.finished(job)
            }
        }
    }

    /// Frees the job's project for the next task. The executor calls it as soon as Codex is done (the
    /// result can be delivered while the next task starts); the queue calls it again when the job ends.
    public func release(_ job: Job) {
        guard running[job.request.project.name]?.job.taskID == job.taskID else { return }
        running[job.request.project.name] = nil
        startEligible()
    }

    private func finished(_ job: Job) {
        release(job)
    }

    /// Runs a job beside a watchdog that stops it at the wall-clock or idle limit.
    private static func run(_ job: Job, control: RunControl, limits: Limits,
                            execute: @Sendable (Job, RunControl) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let deadline = ContinuousClock.now + limits.taskTimeout
                while !Task.isCancelled {
                    let idleDeadline = control.lastActivity + limits.idleTimeout
                    if ContinuousClock.now >= deadline {
                        control.stop(.timedOut("it ran longer than \(Durations.short(limits.taskTimeout.seconds))"))
                        return
                    }
                    if ContinuousClock.now >= idleDeadline {
                        control.stop(.timedOut("Codex showed no progress for \(Durations.short(limits.idleTimeout.seconds))"))
                        return
                    }
                    try? await Task.sleep(until: min(deadline, idleDeadline), clock: .continuous)
                }
            }
            await execute(job, control)
            group.cancelAll()
        }
    }
}

extension Duration {
    /// The duration in seconds, for display.
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
