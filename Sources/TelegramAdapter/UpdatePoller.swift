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
    private let backoffInitial: Duration
    private let logger: Logger

    /// `sink` receives the recorded updates to handle, in order.
    public init(
        client: BotAPIClient, store: any UpdateStoring, sink: AsyncStream<RecordedUpdate>.Continuation, pollTimeout: Int = 50,
        backoffInitial: Duration = .seconds(1), logger: Logger = Logger(label: "companion.telegram.poll")
    ) {
        self.client = client
        self.store = store
        self.sink = sink
        self.pollTimeout = pollTimeout
        self.backoffInitial = backoffInitial
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

    /// Polls until cancelled (graceful shutdown cancels it) and returns the last offset.
    private func pollLoop(from initial: Int64?) async throws -> Int64? {
        var offset = initial
        var backoff = Backoff(initial: backoffInitial)
        var conflicts = 0
        while !Task.isCancelled {
            do {
                offset = try await pollOnce(offset: offset)
                backoff.reset()
                conflicts = 0
            } catch let error as TelegramAPIError {
                if Task.isCancelled { break }
                try await waitBeforeNextPoll(after: error, backoff: &backoff, conflicts: &conflicts)
            }
        }
        return offset
    }

    /// Waits before the next poll as `TelegramRetryPolicy` decides, except for what only polling meets:
    /// 409 (a webhook, or another program polling with the token) and requests Telegram rejects, which
    /// a poller cannot give up on, since no message arrives without it.
    private func waitBeforeNextPoll(after error: TelegramAPIError, backoff: inout Backoff, conflicts: inout Int) async throws {
        let pause: Duration
        if case .api(409, let description, _) = error {
            conflicts += 1
            if description.contains("webhook") {
                _ = try? await client.deleteWebhook()
            } else if conflicts >= 3 {
                logger.error("another program is polling with this bot token (is a second companion running?)")
            }
            pause = backoff.next()
        } else {
            switch TelegramRetryPolicy.decision(after: error, backoff: &backoff) {
            case .badToken:
                throw BadTokenError(detail: error.description)
            case .rateLimited(let wait), .backOff(let wait):
                logger.warning("getUpdates failed, retrying", metadata: ["error": "\(error)", "pause": "\(wait)"])
                pause = wait
            case .giveUp:
                logger.error("Telegram rejected getUpdates; polling again after a pause", metadata: ["error": "\(error)"])
                pause = backoff.next()
            }
        }
        try? await Task.sleep(for: pause)
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
