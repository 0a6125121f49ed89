import Foundation

/// Exponential backoff with jitter for Telegram trouble: 1 s, ×1.5 each time, at most 30 s.
///
/// The pause is computed in seconds as a `Double` and capped BEFORE it becomes a `Duration`, and the step
/// count stops growing once the cap is reached: an outage of any length (thousands of failures in a row)
/// keeps waiting `maximum`, where multiplying a `Duration` by `factor^attempt` would overflow and trap.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double
    /// Each pause is multiplied by a random factor from this range.
    public var jitter: ClosedRange<Double>
    private(set) var attempt = 0

    /// The default ±20 % jitter keeps restarted clients from retrying in lockstep; tests pass `1...1`
    /// for exact pauses.
    public init(
        initial: Duration = .seconds(1), maximum: Duration = .seconds(30), factor: Double = 1.5,
        jitter: ClosedRange<Double> = 0.8...1.2
    ) {
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
    }

    /// The next pause: `initial × factor^attempt`, capped at `maximum`, times the jitter.
    public mutating func next() -> Duration {
        let initialSeconds = Self.seconds(initial)
        let maximumSeconds = max(Self.seconds(maximum), 0)
        let base = initialSeconds * Foundation.pow(factor, Double(attempt))
        // The exponent grows only while the pause is below the cap (and can grow at all), so it stays
        // small however long the trouble lasts.
        if factor > 1, initialSeconds > 0, base < maximumSeconds { attempt += 1 }
        let capped = base.isFinite ? min(max(base, 0), maximumSeconds) : maximumSeconds
        let jittered = capped * Double.random(in: jitter)
        return .seconds(jittered.isFinite ? max(jittered, 0) : maximumSeconds)
    }

    public mutating func reset() {
        attempt = 0
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
