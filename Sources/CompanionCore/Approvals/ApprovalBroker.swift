import Foundation

/// Holds Codex's approval requests while they wait for a person. A request is published as a task event
/// so every client can show it; the first answer from any client wins; one nobody answers is declined
/// after `timeout` (never approved); one whose task stops is cancelled; one whose turn ends unanswered
/// expires. Every request and every decision is written to the audit trail.
public actor ApprovalBroker {
    private struct Entry {
        var pending: PendingApproval
        /// A desk request's withdrawal, which may have fired before the broker heard of it.
        var withdrawn: OneShot<DeskWithdrawal>?
        /// The decision and who made it, once made: the first `resolve` sets it, at once.
        var decision: Decision?
        /// Set with the decision once it is published and audited: the asking run waits on it.
        let decided = OneShot<Decision>()
        var isOpen: Bool { decision == nil }
    }

    private struct Decision: Sendable {
        var decision: ApprovalDecision
        var decider: ApprovalDecider
    }

    /// This process's epoch: buttons from another process (before a restart) never match.
    public nonisolated let epoch: String
    private let timeout: Duration
    private let clock: any TaskClock
    private let audit: (any AuditRecording)?
    private let publish: @Sendable (TaskEvent) -> Void
    private var entries: [ApprovalID: Entry] = [:]
    private var nextSequence = 1

    public init(
        timeout: Duration, clock: any TaskClock, audit: (any AuditRecording)?, epoch: String = ApprovalBroker.newEpoch(),
        publish: @escaping @Sendable (TaskEvent) -> Void
    ) {
        self.timeout = timeout
        self.clock = clock
        self.audit = audit
        self.epoch = epoch
        self.publish = publish
    }

    /// Six random letters and digits.
    public static func newEpoch() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        return String((0..<6).map { _ in alphabet.randomElement()! })
    }

    /// Asks the clients and waits for the decision: an answer, the timeout (decline), or the task
    /// stopping (cancel). A cancelled caller (its turn ended) leaves the request expired.
    public func ask(_ request: ApprovalRequest, for task: QueuedTask, control: RunControl) async -> ApprovalDecision {
        let now = clock.now()
        let pending = PendingApproval(
            id: nextID(taskID: task.id), task: task, request: request, askedAt: now, expiresAt: now.addingTimeInterval(timeout.seconds))
        let (id, clock) = (pending.id, self.clock)
        let decision = await decide(
            pending,
            watching: [
                {
                    do {
                        try await clock.sleep(until: pending.expiresAt)
                        await self.resolve(id, .decline, by: .timeout)
                    } catch {}
                },
                { if await control.waitForStop() != nil { await self.resolve(id, .cancel, by: .taskStopped) } },
            ])
        return decision?.decision ?? .cancel
    }

    /// Asks the clients about a desk turn's request (`approval`) once `grace` has passed without an
    /// answer at the terminal, then waits for a decision from here or for Codex to withdraw it (answered
    /// at the terminal, the turn over). Never declined on a timer: the person at the desk may still
    /// answer. Returns the decision to send Codex; nil when it was withdrawn first (or the caller was
    /// cancelled).
    public func askFromDesk(_ approval: DeskApproval, project: Project, chats: [Int64], grace: Duration) async -> ApprovalDecision? {
        let withdrawn = approval.withdrawn
        guard await Self.graceEnds(grace, clock: clock, unless: withdrawn) else { return nil }
        let task = QueuedTask(id: 0, request: TaskRequest(project: project, prompt: "", mode: .continue, requester: .desk))
        let pending = PendingApproval(
            id: nextID(taskID: 0), task: task, request: approval.request, askedAt: clock.now(), expiresAt: .distantFuture,
            origin: .desk(threadID: approval.threadID, chats: chats))
        let id = pending.id
        let decision = await decide(
            pending, withdrawn: withdrawn, watching: [{ if let why = await withdrawn.wait() { await self.withdraw(id, why) } }])
        guard let decision, case .user = decision.decider else { return nil }
        return decision.decision
    }

    /// This process's next request id, for a task (0: a desk turn).
    private func nextID(taskID: Int64) -> ApprovalID {
        defer { nextSequence += 1 }
        return ApprovalID(epoch: epoch, taskID: taskID, sequence: nextSequence)
    }

    /// Publishes and audits a new request, then waits for its decision while `watching` runs (each may
    /// resolve it: a timer, the task stopping, the terminal answering). Nil when the caller was cancelled
    /// first (its turn ended, the desk's connection went): the request then expires.
    private func decide(
        _ pending: PendingApproval, withdrawn: OneShot<DeskWithdrawal>? = nil, watching: [@Sendable () async -> Void]
    ) async -> Decision? {
        let id = pending.id
        entries[id] = Entry(pending: pending, withdrawn: withdrawn)
        publish(.approvalRequested(pending))
        await record(
            pending, command: "approval-request", outcome: .waiting, requester: pending.task.request.requester, userID: nil,
            at: pending.askedAt)
        guard let decided = entries[id]?.decided else { return nil }
        let decision = await withTaskGroup(of: Void.self) { group in
            for watch in watching { group.addTask(operation: watch) }
            let decision = await decided.wait()
            group.cancelAll()
            return decision
        }
        guard let decision else {
            // In a task of its own: this one is cancelled, which would cut the audit of the expiry short.
            await Task { await self.expire(id) }.value
            return nil
        }
        entries[id] = nil
        return decision
    }

    /// Waits out `grace`; false when `withdrawn` fires first (or the caller is cancelled).
    private static func graceEnds(_ grace: Duration, clock: any TaskClock, unless withdrawn: OneShot<DeskWithdrawal>) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await clock.sleep(for: grace)) != nil }
            group.addTask { await withdrawn.wait() == nil }
            let ended = await group.next() ?? false
            group.cancelAll()
            return ended && withdrawn.value == nil && !Task.isCancelled
        }
    }

    /// A client's answer. The first one wins; later ones, and answers to requests that are gone, get `.expired`.
    public func answer(
        _ id: ApprovalID, _ decision: ApprovalDecision, by requester: Requester, userID: Int64?
    ) async
        -> ApprovalAnswerResult
    {
        guard let entry = entries[id], entry.isOpen else { return .expired }
        if let why = entry.withdrawn?.value {
            // Decided at the terminal a moment ago: this answer would not reach Codex.
            await withdraw(id, why)
            return .expired
        }
        await resolve(id, decision, by: .user(requester, userID: userID))
        return .accepted(entry.pending)
    }

    /// The requests of a task that still wait.
    public func pending(taskID: Int64) -> [PendingApproval] {
        entries.values.filter { $0.pending.id.taskID == taskID && $0.isOpen }.map(\.pending)
            .sorted { $0.id.sequence < $1.id.sequence }
    }

    /// Every request that still waits, oldest first.
    public func allPending() -> [PendingApproval] {
        entries.values.filter(\.isOpen).map(\.pending).sorted { $0.askedAt < $1.askedAt }
    }

    /// The task's turn ended: Codex waits for none of its requests any more.
    public func expireAll(taskID: Int64) async {
        for id in entries.keys where id.taskID == taskID { await expire(id) }
    }

    // MARK: - Resolution

    private func resolve(_ id: ApprovalID, _ decision: ApprovalDecision, by decider: ApprovalDecider) async {
        guard var entry = entries[id], entry.isOpen else { return }
        let made = Decision(decision: decision, decider: decider)
        entry.decision = made
        entries[id] = entry
        // Codex hears of it only once it is published and audited: the run that waits cancels this
        // resolution's task as soon as it is woken, which would cut the audit short.
        defer { entry.decided.fulfil(made) }
        let now = clock.now()
        publish(.approvalResolved(entry.pending, .decided(decision, by: decider, at: now)))
        var requester = entry.pending.task.request.requester
        var userID: Int64?
        if case .user(let who, let user) = decider {
            requester = who
            userID = user
        }
        await record(
            entry.pending, command: "approval", outcome: Self.outcome(decision, decider), requester: requester, userID: userID, at: now)
    }

    /// Codex no longer waits for an answer to a desk request: answered at the terminal, or its turn ended.
    private func withdraw(_ id: ApprovalID, _ why: DeskWithdrawal) async {
        guard var entry = entries[id], entry.isOpen else { return }
        guard why == .answeredAtTheDesk else {
            await expire(id)
            entry.decided.fulfil(Decision(decision: .cancel, decider: .taskStopped))
            return
        }
        let made = Decision(decision: .cancel, decider: .desk)
        entry.decision = made
        entries[id] = entry
        defer { entry.decided.fulfil(made) }
        let now = clock.now()
        publish(.approvalResolved(entry.pending, .decidedAtTheDesk(at: now)))
        await record(entry.pending, command: "approval", outcome: .answeredAtTheDesk, requester: .desk, userID: nil, at: now)
    }

    /// The request is gone without a decision (its turn ended, or its engine stopped waiting).
    private func expire(_ id: ApprovalID) async {
        guard let entry = entries.removeValue(forKey: id), entry.isOpen else { return }
        let now = clock.now()
        publish(.approvalResolved(entry.pending, .expired(at: now)))
        await record(
            entry.pending, command: "approval", outcome: .expired, requester: entry.pending.task.request.requester, userID: nil, at: now)
    }

    private static func outcome(_ decision: ApprovalDecision, _ decider: ApprovalDecider) -> CommandOutcome {
        switch decider {
        case .timeout: return .timedOut
        case .taskStopped: return .expired
        case .desk: return .answeredAtTheDesk
        case .user: return decision.approves ? .approved : .denied
        }
    }

    private func record(
        _ pending: PendingApproval, command: String, outcome: CommandOutcome, requester: Requester, userID: Int64?, at time: Date
    ) async {
        guard let audit else { return }
        let waited = outcome == .waiting ? 0 : time.timeIntervalSince(pending.askedAt)
        await audit.record(
            AuditEntry(
                time: time, requester: requester, userID: userID, command: command, project: pending.task.request.project.name,
                outcome: outcome, duration: waited, detail: ApprovalText.auditDetail(pending)))
    }
}
