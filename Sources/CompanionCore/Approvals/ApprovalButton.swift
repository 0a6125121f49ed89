/// The data a decision button carries: `ap:<approval id>:<choice>`, where the choice is one letter.
/// At most about 40 bytes, well inside Telegram's 64.
public struct ApprovalButton: Sendable, Equatable {
    public var id: ApprovalID
    public var decision: ApprovalDecision

    public init(id: ApprovalID, decision: ApprovalDecision) {
        self.id = id
        self.decision = decision
    }

    public init?(data: String) {
        let parts = data.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "ap", let id = ApprovalID(parts[1]),
            let decision = Self.letters.first(where: { $0.value == parts[2] })?.key
        else { return nil }
        self.init(id: id, decision: decision)
    }

    public var data: String { "ap:\(id):\(Self.letters[decision]!)" }

    /// The buttons under a request: two rows, approving first. Without `approving`, only the choices
    /// that approve nothing (when the person could not be shown the whole request).
    public static func rows(for pending: PendingApproval, approving: Bool = true) -> [[ChatButton]] {
        let choices = pending.request.choices.filter { approving || !$0.approves }
        let buttons = choices.map {
            ChatButton(title: ApprovalText.buttonTitle($0), data: ApprovalButton(id: pending.id, decision: $0).data)
        }
        return stride(from: 0, to: buttons.count, by: 2).map { Array(buttons[$0..<min($0 + 2, buttons.count)]) }
    }

    private static let letters: [ApprovalDecision: Substring] = [.accept: "a", .acceptForSession: "s", .decline: "d", .cancel: "c"]
}
