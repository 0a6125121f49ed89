/// What a cancel request reaches.
public enum CancelScope: String, Sendable, Equatable, CaseIterable {
    /// The requester's running task (the session is kept).
    case running
    /// The requester's queued tasks.
    case queued
    /// Both.
    case all

    public var includesRunning: Bool { self != .queued }
    public var includesQueued: Bool { self != .running }
}
