import CompanionCore
import ServiceLifecycle

/// Runs background work (Codex runs) as children of one task group, so that shutdown reaches them:
/// on graceful shutdown it stops taking work and cancels what runs (Codex gets SIGINT, then SIGKILL).
public final class WorkRunner: Service, WorkLaunching {
    private let stream: AsyncStream<@Sendable () async -> Void>
    private let continuation: AsyncStream<@Sendable () async -> Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    public func launch(_ work: @escaping @Sendable () async -> Void) {
        continuation.yield(work)
    }

    public func run() async {
        await withDiscardingTaskGroup { group in
            for await work in stream.cancelOnGracefulShutdown() {
                group.addTask { await work() }
            }
            group.cancelAll()
        }
    }
}
