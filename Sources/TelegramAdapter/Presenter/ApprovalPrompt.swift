import CompanionCore
import Synchronization

/// One approval request's message while it is shown: the follower posts it and then waits here for
/// the request's outcome, which the presenter's event loop hands in (it may arrive before the post ends).
final class ApprovalPrompt: Sendable {
    private struct State {
        var outcome: ApprovalOutcome?
        var waiter: CheckedContinuation<ApprovalOutcome?, Never>?
        var abandoned = false
    }

    let pending: PendingApproval
    private let state = Mutex(State())

    init(pending: PendingApproval) {
        self.pending = pending
    }

    func conclude(_ outcome: ApprovalOutcome) {
        let waiter = state.withLock { state -> CheckedContinuation<ApprovalOutcome?, Never>? in
            guard state.outcome == nil, !state.abandoned else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: outcome)
    }

    /// The event stream ended first (the daemon is stopping).
    func abandon() {
        let waiter = state.withLock { state -> CheckedContinuation<ApprovalOutcome?, Never>? in
            state.abandoned = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The outcome, or nil when abandoned.
    func waitForOutcome() async -> ApprovalOutcome? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> ApprovalOutcome?? in
                if let outcome = state.outcome { return .some(outcome) }
                if state.abandoned { return .some(nil) }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
