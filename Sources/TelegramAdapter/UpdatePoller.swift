import CompanionCore
import Foundation
import Logging
import ServiceLifecycle

/// Long-polls getUpdates. Each update is recorded durably (deduplicated by update_id) BEFORE the offset
/// moves past it, then handed to the dispatcher; so an update is never lost and never handled twice.
public struct UpdatePoller: Service {
    public static let allowedUpdates: [UpdateKind] = [.message, .editedMessage, .callbackQuery]

    private let client: BotAPIClient
    private let store: any UpdateStoring
    private let sink: AsyncStream<RecordedUpdate>.Continuation
    private let pollTimeout: Int
    private let backoff: Backoff
    private let pause: @Sendable (Duration) async -> Void
    private let onConflict: @Sendable (String) async -> Void
    private let logger: Logger

    /// How many 409 conflicts in a row (not a webhook's) mean another program polls with the token.
    public static let conflictsBeforeReport = 3

    /// `sink` receives the recorded updates to handle, in order. `backoff` paces retries after failures;
    /// `pause` waits (tests record the pauses instead of sleeping). `onConflict` is called once per run,
    /// with Telegram's description, when another program keeps polling with the same token.
    public init(
        client: BotAPIClient, store: any UpdateStoring, sink: AsyncStream<RecordedUpdate>.Continuation, pollTimeout: Int = 50,
        backoff: Backoff = Backoff(), pause: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) },
        onConflict: @escaping @Sendable (String) async -> Void = { _ in },
        logger: Logger = Logger(label: "companion.telegram.poll")
    ) {
        self.client = client
        self.store = store
        self.sink = sink
        self.pollTimeout = pollTimeout
        self.backoff = backoff
        self.pause = pause
        self.onConflict = onConflict
        self.logger = logger
    }

    /// Ends the stream of update ids, so the dispatcher finishes. `run` does it on return; a caller that
    /// fails before starting `run` must do it too.
    public func finishUpdates() {
        sink.finish()
    }

    public func run() async throws {
        defer { sink.finish() }
        // Updates recorded before a crash but never handled come first.
        for pending in try await store.unhandledUpdates() {
            sink.yield(RecordedUpdate(id: pending.id, payload: pending.payload))
        }
        let initial = try await store.pollOffset()
        let offset = try await cancelWhenGracefulShutdown { try await pollLoop(from: initial) }
        // Confirm what we handled, so Telegram does not send it again after a restart.
        if let offset {
            _ = try? await client.getUpdates(
                GetUpdatesRequest(offset: offset, limit: 1, timeout: 0, allowedUpdates: Self.allowedUpdates),
                timeout: .seconds(5))
        }
    }

    /// The poll loop's memory of failures: the backoff and the 409s in a row.
    private struct Trouble {
        var backoff: Backoff
        var conflicts = 0
        /// Whether a conflict was reported in this run: a second poller is reported once, not every minute.
        var conflictReported = false
    }

    /// Polls until cancelled (graceful shutdown cancels it) and returns the last offset. Failures never
    /// end it: however long Telegram is unreachable, it keeps polling at the backoff's pace.
    private func pollLoop(from initial: Int64?) async throws -> Int64? {
        var offset = initial
        var trouble = Trouble(backoff: backoff)
        while !Task.isCancelled {
            do {
                offset = try await pollOnce(offset: offset)
                trouble.backoff.reset()
                trouble.conflicts = 0
            } catch let error as TelegramAPIError {
                if Task.isCancelled { break }
                try await waitBeforeNextPoll(after: error, trouble: &trouble)
            }
        }
        return offset
    }

    /// Waits before the next poll as `TelegramRetryPolicy` decides, except for what only polling meets:
    /// 409 (a webhook, or another program polling with the token) and requests Telegram rejects, which
    /// a poller cannot give up on, since no message arrives without it. A 409 backs off like any trouble.
    private func waitBeforeNextPoll(after error: TelegramAPIError, trouble: inout Trouble) async throws {
        let pause: Duration
        if case .api(409, let description, _) = error {
            trouble.conflicts += 1
            if description.contains("webhook") {
                _ = try? await client.deleteWebhook()
            } else if trouble.conflicts >= Self.conflictsBeforeReport, !trouble.conflictReported {
                trouble.conflictReported = true
                logger.error(
                    "another program is polling with this bot token (is a second companion running?); messages may go to it. Stop it; polling goes on with backoff",
                    metadata: ["error": "\(error)"])
                await onConflict(description)
            }
            pause = trouble.backoff.next()
        } else {
            switch TelegramRetryPolicy.decision(after: error, backoff: &trouble.backoff) {
            case .badToken:
                throw BadTokenError(detail: error.description)
            case .rateLimited(let wait), .backOff(let wait):
                logger.warning("getUpdates failed, retrying", metadata: ["error": "\(error)", "pause": "\(wait)"])
                pause = wait
            case .giveUp:
                logger.error("Telegram rejected getUpdates; polling again after a pause", metadata: ["error": "\(error)"])
                pause = trouble.backoff.next()
            }
        }
        await self.pause(pause)
    }

    /// One getUpdates round: records new updates, persists the next offset, hands them on.
    /// Returns the next offset.
    public func pollOnce(offset: Int64?) async throws -> Int64? {
        let request = GetUpdatesRequest(offset: offset, limit: 100, timeout: pollTimeout, allowedUpdates: Self.allowedUpdates)
        let updates = try await client.getUpdates(request, timeout: .seconds(pollTimeout + 15))
        let batch = updates.map { RecordedUpdate(id: $0.updateID, payload: $0.payload) }
        guard let last = batch.map(\.id).max() else { return offset }
        let next = max(offset ?? 0, last + 1)
        // One transaction: the updates, then the offset that moves past them.
        let fresh = try await store.recordUpdates(batch, receivedAt: Date(), nextOffset: next)
        if fresh.count < batch.count { logger.info("duplicate updates ignored", metadata: ["count": "\(batch.count - fresh.count)"]) }
        for update in fresh { sink.yield(update) }
        return next
    }
}
