import Foundation
import Synchronization

/// Hands every task event to every subscriber, in the order published. Publishing never waits: each
/// subscriber has its own unbounded buffer, so a slow client (Telegram in a 429 pause) cannot hold up
/// Codex or another client.
final class TaskEventHub: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<TaskEvent>.Continuation] = [:]
        var finished = false
    }

    private let state = Mutex(State())

    /// A stream of the events published from now on; it ends when the service has shut down.
    func subscribe() -> AsyncStream<TaskEvent> {
        let (stream, continuation) = AsyncStream<TaskEvent>.makeStream()
        let id = UUID()
        let finished = state.withLock { state -> Bool in
            if state.finished { return true }
            state.subscribers[id] = continuation
            return false
        }
        if finished {
            continuation.finish()
        } else {
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
        }
        return stream
    }

    func publish(_ event: TaskEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    /// Ends every stream: no event follows.
    func finish() {
        let subscribers = state.withLock { state -> [AsyncStream<TaskEvent>.Continuation] in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
