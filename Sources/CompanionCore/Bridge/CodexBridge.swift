import Foundation
import Logging
import Synchronization

/// Runs one Codex turn for a project: picks the session, records the task from start to end, and
/// returns a report. Shared by the local CLI and the Telegram bot so both behave the same.
public struct CodexBridge: Sendable {
    private let runner: any CodexRunning
    private let sessions: any SessionLocating
    private let store: any TaskStoring
    private let activityLog: any ActivityLogging
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// Who first ran each thread in the companion: it never changes once known, so it is asked once.
    private let firstRequesters = FirstRequesters()

    public init(runner: any CodexRunning, sessions: any SessionLocating, store: any TaskStoring,
                activityLog: any ActivityLogging, logger: Logger = Logger(label: "companion.bridge"),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.runner = runner
        self.sessions = sessions
        self.store = store
        self.activityLog = activityLog
        self.logger = logger
        self.now = now
    }

    /// Reads what a finished run wrote to its session, so the next message's lookup finds nothing to read.
    public func refreshSessions(of project: Project) async {
        do {
            try await sessions.refresh(repository: project.repoPath)
        } catch {
            logger.warning("refreshing the session index failed", metadata: ["project": "\(project.name)", "error": "\(error)"])
        }
    }

    /// Which session a request will run in. Exposed so clients can say so before the run starts.
    public func resolveSession(for request: BridgeRequest) async -> SessionNote {
        guard request.mode == .continue else { return .new }
        do {
            guard let latest = try await sessions.sessions(inRepository: request.project.repoPath, limit: 1).first else {
                return .newBecauseNoneFound
            }
            let requester: String?
            if let known = firstRequesters.value(for: latest.id) {
                requester = known
            } else {
                requester = try await store.requesterOfFirstTask(threadID: latest.id)
                if let requester { firstRequesters.set(requester, for: latest.id) }
            }
            return .continued(latest, origin: SessionOrigin.describe(source: latest.source, companionRequester: requester))
        } catch {
            logger.error("listing sessions failed, starting a new one", metadata: ["project": "\(request.project.name)", "error": "\(error)"])
            return .newBecauseNoneFound
        }
    }

    /// Runs the turn. `session` is the one `resolveSession` chose, when the client asked first; otherwise
    /// it is resolved here. `onSessionChosen` is called once the session is known, before Codex starts, so
    /// a client can say "continuing …" right away; `onEvent` receives each Codex event as it arrives.
    /// `queuedTaskID` is the row of a task recorded as queued; without it a new row is made.
    /// `control` lets a queue stop the run; the stop reason decides the recorded status.
    public func run(_ request: BridgeRequest, session chosen: SessionNote? = nil, queuedTaskID: Int64? = nil, control: RunControl? = nil,
                    onSessionChosen: @Sendable (SessionNote) async -> Void = { _ in },
                    onEvent: @escaping @Sendable (CodexEvent) async -> Void = { _ in }) async throws -> TaskReport {
        let prompt = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !prompt.isEmpty else {
            throw BridgeRefusal("The prompt is empty: say what Codex should do.")
        }
        let session: SessionNote
        if let chosen { session = chosen } else { session = await resolveSession(for: request) }
        await onSessionChosen(session)
        var resumeID: String?
        var usageBefore = TokenUsage.zero
        if case .continued(let existing, _) = session {
            resumeID = existing.id
            usageBefore = existing.cumulativeUsage ?? .zero
        }

        let startedAt = now()
        let taskID: Int64
        if let queuedTaskID {
            try await store.markTaskRunning(id: queuedTaskID, session: session, startedAt: startedAt)
            taskID = queuedTaskID
        } else {
            taskID = try await store.startTask(NewTask(
                chatID: request.chatID, requester: request.requester, project: request.project.name, prompt: prompt,
                mode: request.mode, session: session, startedAt: startedAt))
        }
        let metadata: Logger.Metadata = ["task": "\(taskID)", "project": "\(request.project.name)"]
        logger.info("task started", metadata: metadata.merging(["resume": "\(resumeID ?? "-")"]) { $1 })

        let report: TaskReport
        do {
            let result = try await runner.run(
                CodexRunRequest(repoPath: request.project.repoPath, prompt: prompt, resumeThreadID: resumeID),
                control: control,
                onProcessStarted: { [store, logger] pid in
                    do {
                        try await store.recordTaskProcess(id: taskID, pid: pid)
                    } catch {
                        logger.error("recording the codex process id failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
                    }
                },
                onEvent: { event in
                    control?.noteActivity()
                    await onEvent(event)
                })
            var status: TaskStatus = result.succeeded ? .done : .failed
            var failureReason = result.failureReason
            if let raw = result.rawFailure {
                // The user gets one line; the log keeps Codex's own words and the end of its stderr.
                logger.error("codex turn failed", metadata: metadata.merging([
                    "codex_error": "\(raw)", "exit_code": "\(result.exitCode.map(String.init) ?? "-")",
                    "stderr_tail": "\(result.stderrTail.suffix(2000))"]) { $1 })
            }
            // A run we stopped ended because of us, not because Codex failed: say why.
            switch control?.stopReason {
            case .cancelledByUser where !result.succeeded:
                status = .cancelled
                failureReason = "Cancelled. The session is kept: continue it whenever you like."
            case .shutdown where !result.succeeded:
                status = .interrupted
                failureReason = "Interrupted: the companion was stopping. Send the prompt again to retry."
            case .timedOut(let limit) where !result.succeeded:
                failureReason = "Timed out: \(limit). The session is kept: continue it to pick up from there."
            default:
                break
            }
            report = TaskReport(
                taskID: taskID, project: request.project, prompt: prompt, mode: request.mode, session: session,
                status: status, startedAt: startedAt, endedAt: now(),
                exitCode: result.exitCode, turn: result.turn,
                turnUsage: result.turn.cumulativeUsage.map { $0.since(usageBefore) },
                failureReason: failureReason, stdoutTail: result.stdoutTail, stderrTail: result.stderrTail)
        } catch {
            let reason = (error as? CodexLaunchError)?.message ?? "Codex could not be run: \(error)"
            logger.error("codex launch failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            report = TaskReport(
                taskID: taskID, project: request.project, prompt: prompt, mode: request.mode, session: session,
                status: .failed, startedAt: startedAt, endedAt: now(), exitCode: nil, turn: TurnRecord(),
                turnUsage: nil, failureReason: reason, stdoutTail: "", stderrTail: "")
        }

        do {
            try await store.finishTask(id: taskID, report: report)
        } catch {
            logger.error("recording the task's end failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
        activityLog.record(ActivityEntry(
            time: report.endedAt, requester: request.requester, command: request.mode == .new ? "new" : "continue",
            project: request.project.name, succeeded: report.status == .done, duration: report.duration))
        logger.info("task ended", metadata: metadata.merging(["status": "\(report.status.rawValue)"]) { $1 })
        return report
    }
}

/// The requester of each thread's first companion task, as found.
private final class FirstRequesters: Sendable {
    private let requesters = Mutex<[String: String]>([:])

    func value(for threadID: String) -> String? {
        requesters.withLock { $0[threadID] }
    }

    func set(_ requester: String, for threadID: String) {
        requesters.withLock { $0[threadID] = requester }
    }
}
