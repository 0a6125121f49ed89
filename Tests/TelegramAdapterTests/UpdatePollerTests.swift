import CompanionCore
import Foundation
import PortFakes
import Synchronization
import TelegramAdapter
import TestSupport
import Testing

/// The poller against the fake Bot API through long runs of failures. Its pauses are recorded instead of
/// slept, so thousands of seconds of backoff take no time.
@Suite struct UpdatePollerTests {
    /// What the poller asked to wait, and the conflicts it reported.
    final class Recorder: Sendable {
        let pauses = Mutex<[Duration]>([])
        let conflicts = Mutex<[String]>([])
    }

    /// Runs a poller until it hands over its first update, then stops it; returns that update.
    func firstUpdate(from fake: FakeTelegramServer, backoff: Backoff, recorder: Recorder) async throws -> RecordedUpdate? {
        let (updates, sink) = AsyncStream<RecordedUpdate>.makeStream()
        let poller = UpdatePoller(
            client: BotAPIClient(baseURL: fake.baseURL, token: fake.token), store: InMemoryUpdateStore(), sink: sink,
            pollTimeout: 1, backoff: backoff,
            pause: { pause in recorder.pauses.withLock { $0.append(pause) } },
            onConflict: { description in recorder.conflicts.withLock { $0.append(description) } })
        let polling = Task { try await poller.run() }
        var iterator = updates.makeAsyncIterator()
        let first = await iterator.next()
        polling.cancel()
        _ = try? await polling.value
        return first
    }

    @Test func aLongOutageNeverEndsPollingAndEveryPauseStaysWithinTheCap() async throws {
        try await withFakeTelegram { fake in
            // Far beyond the ~116 failures in a row that used to overflow the backoff and crash the daemon.
            fake.fail("getUpdates", times: 300, with: .htmlPage(502))
            let update = fake.sendMessage(from: 7, text: "still there?")
            let recorder = Recorder()
            let backoff = Backoff(initial: .milliseconds(1), maximum: .seconds(30))
            let first = try await firstUpdate(from: fake, backoff: backoff, recorder: recorder)
            #expect(first?.id == update)
            let pauses = recorder.pauses.withLock { $0 }
            #expect(pauses.count == 300)
            #expect(pauses.allSatisfy { $0 >= .microseconds(799) && $0 <= .seconds(36) })
            #expect(pauses.suffix(100).allSatisfy { $0 >= .seconds(23) })
            #expect(recorder.conflicts.withLock { $0.isEmpty })
        }
    }

    @Test func anotherPollerIsReportedOnceAndPolledAgainWithBackoff() async throws {
        try await withFakeTelegram { fake in
            let conflict = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
            fake.fail("getUpdates", times: 40, with: .status(409, description: conflict))
            let update = fake.sendMessage(from: 7, text: "hello")
            let recorder = Recorder()
            let backoff = Backoff(initial: .milliseconds(1), maximum: .milliseconds(8), factor: 2, jitter: 1...1)
            let first = try await firstUpdate(from: fake, backoff: backoff, recorder: recorder)
            #expect(first?.id == update)
            #expect(recorder.conflicts.withLock { $0 } == [conflict])
            // Never again at full speed: each 409 waits, longer and longer up to the cap.
            let pauses = recorder.pauses.withLock { $0 }
            #expect(pauses.count == 40)
            #expect(Array(pauses.prefix(4)) == [.milliseconds(1), .milliseconds(2), .milliseconds(4), .milliseconds(8)])
            #expect(pauses.dropFirst(3).allSatisfy { $0 == .milliseconds(8) })
            // The 40 conflicts and the poll that got the message (and perhaps the next one, before the stop).
            #expect(fake.calls.filter { $0 == "getUpdates" }.count >= 41)
        }
    }

    @Test func aWebhookConflictDeletesTheWebhookAndIsNotReportedAsAnotherPoller() async throws {
        try await withFakeTelegram { fake in
            fake.fail(
                "getUpdates", times: 5,
                with: .status(
                    409,
                    description:
                        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"))
            let update = fake.sendMessage(from: 7, text: "hello")
            let recorder = Recorder()
            let first = try await firstUpdate(
                from: fake, backoff: Backoff(initial: .milliseconds(1), maximum: .milliseconds(4)), recorder: recorder)
            #expect(first?.id == update)
            #expect(recorder.conflicts.withLock { $0.isEmpty })
            #expect(fake.calls.filter { $0 == "deleteWebhook" }.count == 5)
        }
    }
}
