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

/// The real time.
public struct SystemClock: TaskClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSinceNow
        guard interval > 0 else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(for: .seconds(interval))
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
