/// How the companion runs Codex (`codex.engine`).
public enum CodexEngine: String, Sendable, Equatable, CaseIterable {
    /// One `codex exec --json` process per turn: no approvals (Codex's policy is `never`), no steering,
    /// the answer arrives whole.
    case exec
    /// One `codex app-server` child per turn, over JSON-RPC on stdio: approvals on the phone, steering,
    /// the answer streamed as it is written. The child ends with the turn, so the terminal can resume.
    case appServer = "app-server"
}

/// When Codex asks before acting (`codex.approval_policy`, app-server engine only), in Codex's words.
public enum ApprovalPolicy: String, Sendable, Equatable, CaseIterable {
    /// Codex decides when to ask: commands that need more than the sandbox allows.
    case onRequest = "on-request"
    /// Ask for every command that is not known to be safe.
    case untrusted
    /// Never ask; what the sandbox refuses fails.
    case never
}
