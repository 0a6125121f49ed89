import CompanionCore

/// One approval request's message while it is shown: the follower posts it and then waits here for
/// the request's outcome, which the presenter's event loop hands in (it may arrive before the post ends).
final class ApprovalPrompt: Sendable {
    let pending: PendingApproval
    /// The outcome, or nil once abandoned; whichever comes first stays.
    private let outcome = OneShot<ApprovalOutcome?>()

    init(pending: PendingApproval) {
        self.pending = pending
    }

    func conclude(_ outcome: ApprovalOutcome) {
        self.outcome.fulfil(outcome)
    }

    /// The event stream ended first (the daemon is stopping).
    func abandon() {
        outcome.fulfil(nil)
    }

    /// The outcome, or nil when abandoned (or when the waiting task is cancelled).
    func waitForOutcome() async -> ApprovalOutcome? {
        await outcome.wait() ?? nil
    }
}
