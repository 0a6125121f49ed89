import Foundation
import Synchronization

/// The handle to one running Codex turn: lets the service ask it to stop (the runner then interrupts
/// Codex with SIGINT, and kills it after a grace period), and records when Codex last showed a sign of life.
public final class RunControl: Sendable {
    private struct State {
        var lastActivity: Date
        var waitingForUser = 0
    }

    private let state: Mutex<State>
    private let stopped = OneShot<StopReason>()
    /// Approvals out, steering in.
    public let channel: TurnChannel

    public init(startedAt: Date = Date(), channel: TurnChannel = TurnChannel()) {
        state = Mutex(State(lastActivity: startedAt))
        self.channel = channel
    }

    /// Asks the run to stop. The first reason wins.
    public func stop(_ reason: StopReason) {
        stopped.fulfil(reason)
    }

    public var stopReason: StopReason? { stopped.value }

    /// Returns the stop reason once `stop` is called, or nil if the waiting task is cancelled first.
    /// Any number of tasks may wait; one that is cancelled leaves the others waiting.
    public func waitForStop() async -> StopReason? {
        await stopped.wait()
    }

    /// Codex printed an event at `time`: the run is alive.
    public func noteActivity(at time: Date) {
        state.withLock { $0.lastActivity = time }
    }

    public var lastActivity: Date { state.withLock { $0.lastActivity } }

    /// Codex waits for a person (an approval request), from `time` on: that is no sign of a stuck run,
    /// so the idle limit does not count it. Each call is paired with `userAnswered(at:)`.
    public func waitingForUser(at time: Date) {
        state.withLock {
            $0.waitingForUser += 1
            $0.lastActivity = time
        }
    }

    /// The person answered (or the wait ended) at `time`: the idle limit counts from here.
    public func userAnswered(at time: Date) {
        state.withLock {
            $0.waitingForUser = max(0, $0.waitingForUser - 1)
            $0.lastActivity = time
        }
    }

    /// Whether Codex waits for a person now.
    public var isWaitingForUser: Bool { state.withLock { $0.waitingForUser > 0 } }
}
