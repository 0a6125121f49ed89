/// Processes left behind by a companion that died: its Codex children, and whether a task's owner is
/// still alive (another companion process, such as `codex-companion run`, may run a task right now).
public protocol ProcessReaping: Sendable {
    /// Stops `pid` if it is still the Codex process that was recorded: one whose start time is `started`
    /// (when it was recorded) and whose name is Codex's, never another program, nor another Codex, that
    /// reused the id. Returns true when a process was stopped.
    @discardableResult
    func stopIfCodex(pid: Int32, started: ProcessStartTime?) async -> Bool
    /// When `pid` started, recorded with a Codex process's id; nil when the process is gone or the system
    /// does not say.
    func startTime(of pid: Int32) async -> ProcessStartTime?
    /// Whether `pid` is a running companion process.
    func isCompanionRunning(pid: Int32) async -> Bool
}
