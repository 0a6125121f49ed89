/// Decides what to do after a failed Bot API call; start-up, the poller and the messenger all ask it.
/// Pure: it only reads the error and advances the backoff, so callers do the waiting, and each keeps
/// its own special cases (the poller's 409 conflicts, the messenger's per-chat pause and deadline).
public enum TelegramRetryPolicy {
    public enum Decision: Sendable, Equatable {
        /// Telegram asked to slow down (429): call again after its `retry_after`.
        case rateLimited(Duration)
        /// 5xx or no usable answer: call again after the next backoff step.
        case backOff(Duration)
        /// 401/404: the token is wrong, no retry can help.
        case badToken
        /// Telegram rejected the request itself (any other 4xx), or answered in an unexpected shape:
        /// the same call would fail again.
        case giveUp

        /// How long to wait before calling again; nil when the call should not be repeated.
        public var pause: Duration? {
            switch self {
            case .rateLimited(let pause), .backOff(let pause): pause
            case .badToken, .giveUp: nil
            }
        }
    }

    /// The decision for `error`. Only a backoff decision takes a step of `backoff`: a 429 says itself
    /// how long to wait, and the next real failure should not wait longer because of it.
    public static func decision(after error: TelegramAPIError, backoff: inout Backoff) -> Decision {
        if error.isBadToken { return .badToken }
        if let seconds = error.retryAfter { return .rateLimited(.seconds(seconds)) }
        if error.isTransient { return .backOff(backoff.next()) }
        return .giveUp
    }
}
