import Foundation

/// The time: what the task service, the router and the presenter read and wait on. The system clock in
/// the daemon; a manual clock in tests, so timeouts and throttles are tested without waiting.
public protocol TaskClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Returns at `deadline`, or throws `CancellationError` when the waiting task is cancelled.
    func sleep(until deadline: Date) async throws
}

extension TaskClock {
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now().addingTimeInterval(duration.seconds))
    }
}

/// The real time, read on the monotonic clock: every time limit (a task's, the idle limit, an
/// approval's) is measured on it, so setting the system clock forward or back neither fires a limit early
/// nor holds one off. `now()` is the wall-clock time when the process started plus the monotonic time
/// elapsed since, so it reads as wall-clock time but never jumps.
public struct SystemClock: TaskClock {
    private static let origin = (wall: Date(), instant: ContinuousClock.now)

    public init() {}

    public func now() -> Date {
        let origin = Self.origin
        return origin.wall.addingTimeInterval((ContinuousClock.now - origin.instant).seconds)
    }

    public func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSince(now())
        guard interval > 0 else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(until: ContinuousClock.now + .seconds(interval), clock: .continuous)
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
