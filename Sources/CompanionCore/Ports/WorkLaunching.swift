/// Starts background work without blocking the caller (the router's delayed run of a split message).
/// The daemon's implementation runs it as a child of a service's task group, so shutdown reaches it.
public protocol WorkLaunching: Sendable {
    /// Runs `work` in the background.
    func launch(_ work: @escaping @Sendable () async -> Void)
}
