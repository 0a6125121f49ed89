/// An approval request of a turn that runs at the desk (the terminal UI, through Codex's daemon). The
/// terminal shows it too: whichever side answers first wins, and the daemon withdraws it from the other.
public struct DeskApproval: Sendable {
    public var threadID: String
    /// The configured repository the thread works in (resolved path).
    public var repoPath: String
    public var request: ApprovalRequest
    /// Fired when Codex no longer waits for an answer from here.
    public let withdrawn: OneShot<DeskWithdrawal>

    public init(threadID: String, repoPath: String, request: ApprovalRequest, withdrawn: OneShot<DeskWithdrawal>) {
        self.threadID = threadID
        self.repoPath = repoPath
        self.request = request
        self.withdrawn = withdrawn
    }
}

/// Why Codex no longer waits for the companion's answer to a desk request.
public enum DeskWithdrawal: Sendable, Equatable {
    /// Somebody answered it at the terminal (Codex said it is resolved).
    case answeredAtTheDesk
    /// Its turn ended, or the connection to the daemon did.
    case turnEnded
}
