import CompanionCore
import Synchronization

/// Starts Codex processes one after another: each run starts its child once the run before it has its
/// thread (or has ended).
///
/// Why: a starting Codex opens and migrates its state database under CODEX_HOME, and two processes doing
/// that at the same moment can fail ("failed to initialize sqlite state runtime", seen on 0.147 and 0.163
/// with a fresh CODEX_HOME when two projects start together). By the time Codex reports the thread, its
/// state is open, so the next start is safe. Only starts wait; the runs themselves go on side by side.
public struct OneStartAtATime: CodexRunning {
    private let runner: any CodexRunning
    private let line = StartLine()
    private let onWait: @Sendable () -> Void

    /// `onWait` is called when a run has to wait for the start before it (tests learn it is in line).
    public init(_ runner: any CodexRunning, onWait: @escaping @Sendable () -> Void = {}) {
        self.runner = runner
        self.onWait = onWait
    }

    public func currentWay() async -> String? { await runner.currentWay() }

    public func run(
        _ request: CodexRunRequest, control: RunControl?,
        onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        let (before, started) = line.join()
        defer { started.fulfil(()) }
        if let before, before.value == nil {
            onWait()
            // A cancelled wait goes on at once: the run then sees its own cancellation.
            await before.wait()
        }
        return try await runner.run(
            request, control: control, onProcessStarted: onProcessStarted,
            onEvent: { event in
                if case .threadStarted = event { started.fulfil(()) }
                await onEvent(event)
            })
    }
}

/// The queue of starts: each entry waits for the entry before it.
private final class StartLine: Sendable {
    private let last = Mutex<OneShot<Void>?>(nil)

    /// The start to wait for (nil when the line is empty) and this run's own, to fulfil once started.
    func join() -> (before: OneShot<Void>?, started: OneShot<Void>) {
        let started = OneShot<Void>()
        let before = last.withLock { last in
            defer { last = started }
            return last
        }
        return (before, started)
    }
}
