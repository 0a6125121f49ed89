/// Processes left behind by a companion that died: its Codex children, and whether a task's owner is
/// still alive (another companion process, such as `codex-companion run`, may run a task right now).
public protocol ProcessReaping: Sendable {
    /// Stops `pid` if it is still a running Codex process (never another program that reused the id);
    /// returns true when a process was stopped.
    @discardableResult
    func stopIfCodex(pid: Int32) async -> Bool
    /// Whether `pid` is a running companion process.
    func isCompanionRunning(pid: Int32) async -> Bool
}
