/// What a cancel request reaches.
public enum CancelScope: String, Sendable, Equatable, CaseIterable {
    /// The requester's running task (the session is kept).
    case running
    /// The requester's queued tasks.
    case queued
    /// Both.
    case all

    var includesRunning: Bool { self != .queued }
    var includesQueued: Bool { self != .running }
}
