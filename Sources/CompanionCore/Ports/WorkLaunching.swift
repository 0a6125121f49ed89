/// Starts long work (a Codex run) without blocking the caller. The daemon's implementation runs it
/// as a child of a service's task group, so shutdown reaches it.
public protocol WorkLaunching: Sendable {
    /// Runs `work` in the background.
    func launch(_ work: @escaping @Sendable () async -> Void)
}
