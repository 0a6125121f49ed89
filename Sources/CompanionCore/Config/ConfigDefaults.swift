/// The value each optional config key takes when the file leaves it out.
///
/// In the sources each constant is used in exactly one spot: the default argument of the `CompanionConfig`
/// initialiser that the key fills. `ConfigLoader` passes a value only when the file has the key, so what
/// the file leaves out comes from here. The defaults that depend on `$HOME` are worked out from the environment
/// and so are not listed here: `state_dir` is `UserEnvironment.defaultStateDirectory`
/// (`~/.codex-companion`) and `codex.home` is chosen by `CodexHome.resolve` (`$CODEX_HOME`, else `~/.codex`).
public enum ConfigDefaults {
    /// `codex.sandbox`: Codex may edit the repository but nothing outside it.
    public static let sandbox = "workspace-write"
    /// `codex.engine`: how Codex runs.
    public static let engine = CodexEngine.appServer
    /// `codex.approval_policy`: Codex asks before what the sandbox does not allow (app-server engine).
    public static let approvalPolicy = ApprovalPolicy.onRequest
    /// `approvals.timeout_seconds`: an unanswered approval request is declined after this long.
    public static let approvalTimeoutSeconds: Double = 600
    /// `approvals.desk_grace_seconds`: a desk turn's request reaches the phone after this long unanswered
    /// at the terminal (whoever sits there answers first).
    public static let deskApprovalGraceSeconds: Double = 20
    /// `files.max_megabytes`: the largest photo or file taken from a chat (Telegram's own limit is 20).
    public static let maxFileMegabytes: Double = 20
    /// `transcription.model`: the OpenAI speech-to-text model.
    public static let transcriptionModel = "whisper-1"
    /// `dashboard.enabled`: the local web dashboard runs with the daemon.
    public static let dashboardEnabled = true
    /// `dashboard.host`: loopback only, unless the user says otherwise.
    public static let dashboardHost = "127.0.0.1"
    /// `dashboard.port`.
    public static let dashboardPort = 8787
    /// `telegram.api_base_url`: Telegram's own Bot API server.
    public static let telegramAPIBaseURL = "https://api.telegram.org"
    /// `limits.max_parallel`: how many projects run Codex at once.
    public static let maxParallel = 2
    /// `limits.task_timeout_minutes`: the wall-clock limit for one task.
    public static let taskTimeoutMinutes: Double = 60
    /// `limits.idle_timeout_minutes`: the limit on time without any Codex event.
    public static let idleTimeoutMinutes: Double = 15
}
