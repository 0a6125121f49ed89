/// Exponential backoff with jitter for Telegram trouble: 1 s, ×1.5 each time, at most 30 s.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double
    private(set) var attempt = 0

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(30), factor: Double = 1.5) {
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
    }

    /// The next pause, with ±20 % jitter so that restarted clients do not retry in lockstep.
    public mutating func next() -> Duration {
        let base = initial * Double(pow(factor, attempt))
        attempt += 1
        let capped = min(base, maximum)
        return capped * Double.random(in: 0.8...1.2)
    }

    public mutating func reset() {
        attempt = 0
    }

    private func pow(_ base: Double, _ exponent: Int) -> Double {
        (0..<exponent).reduce(1.0) { value, _ in value * base }
    }
}
