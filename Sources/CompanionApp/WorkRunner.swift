import CompanionCore
import ServiceLifecycle
import Synchronization

/// Runs the router's background work (a split message's delayed prompt) as children of one task group,
/// so that shutdown reaches it. On graceful shutdown it stops taking work, waits for the work to end, and
/// cancels whatever is still running after `shutdownGrace`.
public final class WorkRunner: Service, WorkLaunching {
    private let stream: AsyncStream<@Sendable () async -> Void>
    private let continuation: AsyncStream<@Sendable () async -> Void>.Continuation
    private let shutdownGrace: Duration
    private let active = Mutex(Active())

    /// Set once shutdown began and no work runs any more.
    private let drained = OneShot<Void>()

    private struct Active {
        var count = 0
        var stopping = false
    }

    public init(shutdownGrace: Duration = .seconds(7)) {
        (stream, continuation) = AsyncStream.makeStream()
        self.shutdownGrace = shutdownGrace
    }

    public func launch(_ work: @escaping @Sendable () async -> Void) {
        active.withLock { $0.count += 1 }
        // After shutdown began nothing new starts; it must not count as running either.
        if case .terminated = continuation.yield(work) { finishedOne() }
    }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            // On shutdown the stream is finished rather than abandoned, so work already handed over
            // still starts (and is counted as ending); work launched later is turned away.
            await withGracefulShutdownHandler {
                for await work in stream {
                    group.addTask { [self] in
                        await work()
                        finishedOne()
                    }
                }
            } onGracefulShutdown: { [continuation] in
                continuation.finish()
            }
            noteStopping()
            let grace = shutdownGrace
            group.addTask { [self] in
                // Whichever comes first: all work ended, or the grace period ran out (then cancel the rest).
                // Cancelled from outside, the group is ending anyway: that is no expired grace.
                let timedOut = await self.drained.wait(upTo: grace) == nil && !Task.isCancelled
                if timedOut { throw ShutdownGraceExpired() }
            }
        }
    }

    private func finishedOne() {
        let idle = active.withLock { state -> Bool in
            state.count -= 1
            return state.stopping && state.count <= 0
        }
        if idle { drained.fire() }
    }

    /// No work is taken any more: once what runs has ended, the runner is drained.
    private func noteStopping() {
        let idle = active.withLock { state -> Bool in
            state.stopping = true
            return state.count <= 0
        }
        if idle { drained.fire() }
    }
}

/// Work did not end within the shutdown grace period; what remained was cancelled.
struct ShutdownGraceExpired: Error, CustomStringConvertible {
    var description: String { "background work did not stop in time and was cancelled" }
}
