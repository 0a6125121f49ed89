/// Exponential backoff with jitter for Telegram trouble: 1 s, ×1.5 each time, at most 30 s.
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
        let base = initial * Double(pow(factor, attempt))
        attempt += 1
        let capped = min(base, maximum)
        return capped * Double.random(in: jitter)
    }

    public mutating func reset() {
        attempt = 0
    }

    private func pow(_ base: Double, _ exponent: Int) -> Double {
        (0..<exponent).reduce(1.0) { value, _ in value * base }
    }
}
