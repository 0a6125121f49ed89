import Synchronization

/// A value set once and awaited by any number of tasks: the one primitive for "wait until X happened"
/// (a run asked to stop, a child exited, a request answered, a task finished).
///
/// The first `fulfil` wins; later ones change nothing. A waiter whose task is cancelled stops waiting
/// (it gets nil) and is removed alone: every other waiter keeps waiting for the value. That last rule is
/// why this exists: a hand-rolled waiter list that wakes everybody when one waiter is cancelled makes
/// the others believe the event happened, or that it never will.
public final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The value, once set.
    public var value: Value? { state.withLock { $0.value } }

    /// Sets the value and wakes every waiter; true when this call set it, false when it was set before.
    @discardableResult
    public func fulfil(_ value: Value) -> Bool {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>]? in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        waiters.forEach { $0.resume(returning: value) }
        return true
    }

    /// The value once it is set, or nil as soon as the waiting task is cancelled.
    @discardableResult
    public func wait() async -> Value? {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Value?? in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }
}

extension OneShot where Value == Void {
    /// Marks the event as happened; later calls do nothing.
    public func fire() { fulfil(()) }
}
