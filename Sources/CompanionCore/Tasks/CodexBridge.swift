import Foundation
import Logging
import Synchronization

/// Runs one Codex turn for a task and folds what happened into its report: picks the session, starts
/// Codex through the runner port, records Codex's process id, and says why a stopped run ended. The task
/// service calls it; it never touches the queue.
public struct CodexBridge: Sendable {
    private let runner: any CodexRunning
    private let sessions: any SessionLocating
    private let store: any TaskStoring
    private let clock: any TaskClock
    private let logger: Logger
    /// Taken out of everything Codex reports, before the report is stored, logged or shown.
    private let secrets: CompanionSecrets
    /// Tells when Codex's process started, recorded with its id so that a later process given the same id
    /// is never taken for it.
    private let processes: (any ProcessReaping)?
    /// Who first ran each thread in the companion: it never changes once known, so it is asked once.
    private let firstRequesters = FirstRequesters()

    public init(
        runner: any CodexRunning, sessions: any SessionLocating, store: any TaskStoring,
        clock: any TaskClock = SystemClock(), secrets: CompanionSecrets = .none, processes: (any ProcessReaping)? = nil,
        logger: Logger = Logger(label: "companion.bridge")
    ) {
        self.runner = runner
        self.secrets = secrets
        self.processes = processes
        self.sessions = sessions
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Which way turns run now (see `CodexRunning.currentWay`).
    public func currentWay() async -> String? {
        await runner.currentWay()
    }

    /// An approval request as clients may show and store it: no known secret in it.
    public func shown(_ request: ApprovalRequest) -> ApprovalRequest {
        secrets.redact(request)
    }

    /// A desk turn as clients may show it: no known secret in what it did.
    public func shown(_ turn: DeskTurn) -> DeskTurn {
        var turn = turn
        turn.record = secrets.redact(turn.record)
        return turn
    }

    /// A desk turn's progress as clients may show it.
    public func shown(_ progress: DeskTurnProgress) -> DeskTurnProgress {
        var progress = progress
        progress.doing = progress.doing.map(secrets.redact)
        return progress
    }

    /// Reads what a finished run wrote to its session, so the next message's lookup finds nothing to read.
    public func refreshSessions(of project: Project) async {
        do {
            try await sessions.refresh(repository: project.repoPath)
        } catch {
            logger.warning("refreshing the session index failed", metadata: ["project": "\(project.name)", "error": "\(error)"])
        }
    }

    /// Which session a request will run in: a new one, a fork, the one it names, or the repository's latest
    /// (wherever it started).
    public func resolveSession(for request: TaskRequest) async -> SessionNote {
        if let source = request.forkOf { return .forked(fromThreadID: source) }
        guard request.mode == .continue else { return .new }
        do {
            var named: CodexSession?
            if let id = request.continuing { named = try await sessions.session(id: id) }
            if named == nil { named = try await sessions.sessions(inRepository: request.project.repoPath, limit: 1).first }
            guard let latest = named else { return .newBecauseNoneFound }
            let requester: Requester?
            if let known = firstRequesters.value(for: latest.id) {
                requester = known
            } else {
                requester = try await store.requesterOfFirstTask(threadID: latest.id)
                if let requester { firstRequesters.set(requester, for: latest.id) }
            }
            return .continued(latest, origin: SessionOrigin.of(latest, firstRequester: requester))
        } catch {
            logger.error(
                "listing sessions failed, starting a new one", metadata: ["project": "\(request.project.name)", "error": "\(error)"])
            return .newBecauseNoneFound
        }
    }

    /// Runs the turn of task `taskID`, already recorded as running in `session`. `onEvent` receives each
    /// Codex event as it arrives; `control` lets the service stop the run, and its stop reason is kept in
    /// the report. A Codex that cannot start is a failed report, never a thrown error.
    public func run(
        taskID: Int64, request: TaskRequest, session: SessionNote, startedAt: Date, control: RunControl,
        onEvent: @escaping @Sendable (CodexEvent) -> Void
    ) async -> TaskReport {
        let prompt = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        var usageBefore = TokenUsage.zero
        if case .continued(let existing, _) = session { usageBefore = existing.cumulativeUsage ?? .zero }
        let metadata: Logger.Metadata = ["task": "\(taskID)", "project": "\(request.project.name)"]
        logger.info("task started", metadata: metadata.merging(["resume": "\(session.resumedThreadID ?? "-")"]) { $1 })
        let clock = self.clock
        let redactor = RedactingEventStream(secrets: secrets)
        let report: TaskReport
        do {
            let output = try await runner.run(
                CodexRunRequest(
                    repoPath: request.project.repoPath, prompt: prompt, resumeThreadID: session.resumedThreadID,
                    forkThreadID: session.forkedThreadID, images: request.images),
                control: control,
                onProcessStarted: { [store, logger, processes] pid in
                    do {
                        let started = await processes?.startTime(of: pid)
                        try await store.recordTaskProcess(id: taskID, pid: pid, started: started)
                    } catch {
                        logger.error("recording the codex process id failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
                    }
                },
                onEvent: { event in
                    control.noteActivity(at: clock.now())
                    onEvent(redactor.redact(event))
                })
            let result = secrets.redact(output)
            if let raw = result.rawFailure {
                // The user gets one line; the log keeps Codex's own words and the end of its stderr.
                logger.error(
                    "codex turn failed",
                    metadata: metadata.merging([
                        "codex_error": "\(raw)", "exit_code": "\(result.exitCode.map(String.init) ?? "-")",
                        "stderr_tail": "\(result.stderrTail.suffix(2000))",
                    ]) { $1 })
            }
            // A run we stopped ended because of us, not because Codex failed: its status says why.
            let stopReason = result.succeeded ? nil : control.stopReason
            report = TaskReport(
                taskID: taskID, requester: request.requester, project: request.project, prompt: prompt, mode: request.mode,
                session: session, status: stopReason?.status ?? (result.succeeded ? .done : .failed),
                startedAt: startedAt, endedAt: clock.now(), exitCode: result.exitCode, turn: result.turn,
                turnUsage: result.turn.cumulativeUsage.map { $0.since(usageBefore) },
                failureReason: stopReason == nil ? result.failureReason : nil, stopReason: stopReason,
                stdoutTail: result.stdoutTail, stderrTail: result.stderrTail)
        } catch {
            let reason = (error as? CodexLaunchError)?.message ?? "Codex could not be run: \(error)"
            logger.error("codex launch failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            report = TaskReport(
                taskID: taskID, requester: request.requester, project: request.project, prompt: prompt, mode: request.mode,
                session: session, status: .failed, startedAt: startedAt, endedAt: clock.now(), exitCode: nil,
                turn: TurnRecord(), turnUsage: nil, failureReason: reason, stdoutTail: "", stderrTail: "")
        }
        logger.info("task ended", metadata: metadata.merging(["status": "\(report.status.rawValue)"]) { $1 })
        return report
    }
}

/// The requester of each thread's first companion task, as found.
private final class FirstRequesters: Sendable {
    private let requesters = Mutex<[String: Requester]>([:])

    func value(for threadID: String) -> Requester? {
        requesters.withLock { $0[threadID] }
    }

    func set(_ requester: Requester, for threadID: String) {
        requesters.withLock { $0[threadID] = requester }
    }
}
