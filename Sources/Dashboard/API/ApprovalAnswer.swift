import CompanionCore

/// A person's answer to an approval request from the dashboard (the API or the approvals page): the
/// first answer from any client wins; a later one finds the request expired.
enum ApprovalAnswer {
    enum Outcome: Equatable {
        case answered(PendingApproval, ApprovalDecision)
        /// Answered already, its turn over, or from before a restart.
        case expired
        case invalid(String)
    }

    /// `id` is an `ApprovalID`'s text form; `decision` one of accept, acceptForSession, decline, cancel.
    static func answer(id: String?, decision: String?, tasks: TaskService) async -> Outcome {
        guard let id = id.flatMap({ ApprovalID($0) }) else { return .invalid("no such approval request") }
        guard let decision = decision.flatMap(ApprovalDecision.init(rawValue:)) else {
            return .invalid("decision must be accept, acceptForSession, decline or cancel")
        }
        switch await tasks.answerApproval(id, decision, by: .dashboard, userID: nil) {
        case .accepted(let pending):
            return .answered(pending, decision)
        case .expired:
            return .expired
        }
    }
}
