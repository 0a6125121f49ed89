import TelegramAdapter
import Testing

/// The one retry policy, decided from the error alone: no network, no sleeps.
@Suite struct TelegramRetryPolicyTests {
    /// No jitter, so the pauses are exact.
    private func backoff() -> Backoff {
        Backoff(initial: .seconds(1), maximum: .seconds(3), factor: 2, jitter: 1...1)
    }

    private func decide(_ error: TelegramAPIError) -> TelegramRetryPolicy.Decision {
        var backoff = backoff()
        return TelegramRetryPolicy.decision(after: error, backoff: &backoff)
    }

    @Test func a429WaitsItsRetryAfterWithoutTakingABackoffStep() {
        var backoff = backoff()
        let limited = TelegramAPIError.api(code: 429, description: "Too Many Requests: retry after 7", retryAfter: 7)
        #expect(TelegramRetryPolicy.decision(after: limited, backoff: &backoff) == .rateLimited(.seconds(7)))
        #expect(TelegramRetryPolicy.decision(after: .transport("reset"), backoff: &backoff) == .backOff(.seconds(1)))
        // Without retry_after, a second.
        #expect(decide(.api(code: 429, description: "Too Many Requests", retryAfter: nil)) == .rateLimited(.seconds(1)))
    }

    @Test func serverAndNetworkTroubleBacksOffStepByStepUpToTheMaximum() {
        var backoff = backoff()
        let errors: [TelegramAPIError] = [
            .api(code: 500, description: "Internal Server Error", retryAfter: nil),
            .transport("HTTP 502 with a non-JSON body"),
            .api(code: 503, description: "Service Unavailable", retryAfter: nil),
            .transport("timeout"),
        ]
        let decisions = errors.map { TelegramRetryPolicy.decision(after: $0, backoff: &backoff) }
        #expect(decisions == [.backOff(.seconds(1)), .backOff(.seconds(2)), .backOff(.seconds(3)), .backOff(.seconds(3))])
        backoff.reset()
        #expect(TelegramRetryPolicy.decision(after: .transport("timeout"), backoff: &backoff) == .backOff(.seconds(1)))
    }

    @Test func the401And404OfABadTokenStop() {
        #expect(decide(.api(code: 401, description: "Unauthorized", retryAfter: nil)) == .badToken)
        #expect(decide(.api(code: 404, description: "Not Found", retryAfter: nil)) == .badToken)
    }

    @Test func otherClientErrorsAndUnexpectedResultsGiveUp() {
        for code in [400, 403, 409, 413] {
            #expect(decide(.api(code: code, description: "Bad Request", retryAfter: nil)) == .giveUp)
        }
        #expect(decide(.api(code: 400, description: "Bad Request: can't parse entities", retryAfter: nil)) == .giveUp)
        #expect(decide(.unexpectedResult("sendMessage: no message_id")) == .giveUp)
    }

    @Test func onlyRetriesHaveAPause() {
        #expect(TelegramRetryPolicy.Decision.rateLimited(.seconds(2)).pause == .seconds(2))
        #expect(TelegramRetryPolicy.Decision.backOff(.milliseconds(50)).pause == .milliseconds(50))
        #expect(TelegramRetryPolicy.Decision.badToken.pause == nil)
        #expect(TelegramRetryPolicy.Decision.giveUp.pause == nil)
    }

    /// A property over a long outage: whatever the number of failures, every pause is a finite duration
    /// between the first pause and the cap (each with its jitter), and the cap is reached and kept.
    @Test func thousandsOfFailuresInARowNeverOverflowTheBackoff() {
        let settings: [(initial: Duration, maximum: Duration, factor: Double)] = [
            (.seconds(1), .seconds(30), 1.5), (.milliseconds(1), .seconds(30), 1.5), (.milliseconds(10), .seconds(600), 3),
            (.seconds(2), .seconds(1), 2), (.nanoseconds(1), .seconds(30), 1.01),
        ]
        for (initial, maximum, factor) in settings {
            var backoff = Backoff(initial: initial, maximum: maximum, factor: factor)
            let lowest = min(initial, maximum) * 0.8 - .nanoseconds(1)
            let highest = maximum * 1.2 + .nanoseconds(1)
            var last: Duration = .zero
            for _ in 0..<100_000 {
                last = backoff.next()
                if !(last >= lowest && last <= highest) {
                    Issue.record("pause \(last) outside [\(lowest), \(highest)]")
                    break
                }
            }
            #expect(last >= maximum * 0.8 - .nanoseconds(1))
            backoff.reset()
            #expect(backoff.next() <= min(initial, maximum) * 1.2 + .nanoseconds(1))
        }
    }

    @Test func theDefaultJitterStaysWithinTwentyPercent() {
        var backoff = Backoff(initial: .seconds(10), maximum: .seconds(10))
        for _ in 0..<50 {
            let pause = backoff.next()
            #expect(pause >= .seconds(8) && pause <= .seconds(12))
        }
    }
}
