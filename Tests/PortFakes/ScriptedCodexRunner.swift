import CompanionCore
import Foundation
import Synchronization

/// A Codex that emits the events scripted for a prompt and then waits, as a long turn does, until the
/// test opens the prompt's gate (the turn completes) or the run is asked to stop (the turn is interrupted).
public final class ScriptedCodexRunner: CodexRunning {
    private struct State {
        var scripts: [String: [CodexEvent]] = [:]
        var open: Set<String> = []
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
        var requests: [CodexRunRequest] = []
        var running: Set<String> = []
    }

    private let state = Mutex(State())

    public init() {}

    public func script(_ prompt: String, _ events: [CodexEvent]) {
        state.withLock { $0.scripts[prompt] = events }
    }

    /// Lets the turn of `prompt` complete (now, or as soon as it runs).
    public func open(_ prompt: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open.insert(prompt)
            return state.waiters.removeValue(forKey: prompt) ?? []
        }
        waiters.forEach { $0.resume() }
    }

    public var requests: [CodexRunRequest] { state.withLock { $0.requests } }
    public var running: Set<String> { state.withLock { $0.running } }

    public func run(
        _ request: CodexRunRequest, control: RunControl?, onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        let events = state.withLock { state -> [CodexEvent] in
            state.requests.append(request)
            state.running.insert(request.prompt)
            return state.scripts[request.prompt] ?? []
        }
        defer { _ = state.withLock { $0.running.remove(request.prompt) } }
        await onProcessStarted(Int32(1000 + requests.count))
        var turn = TurnRecord()
        for event in events {
            turn.apply(event)
            await onEvent(event)
        }
        let completed = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitForGate(request.prompt)
                return true
            }
            group.addTask {
                _ = await control?.waitForStop()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if completed {
            let end: [CodexEvent] = [
                .itemCompleted(CodexItem(id: "end", kind: .agentMessage(text: "done: \(request.prompt)"))),
                .turnCompleted(usage: TokenUsage(inputTokens: 10, outputTokens: 1)),
            ]
            for event in end {
                turn.apply(event)
                await onEvent(event)
            }
        }
        let now = Date()
        return CodexRunResult(exitCode: completed ? 0 : 130, startedAt: now, endedAt: now, turn: turn, stdoutTail: "", stderrTail: "")
    }

    private func waitForGate(_ prompt: String) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let isOpen = state.withLock { state -> Bool in
                    if state.open.contains(prompt) || Task.isCancelled { return true }
                    state.waiters[prompt, default: []].append(continuation)
                    return false
                }
                if isOpen { continuation.resume() }
            }
        } onCancel: {
            // The run was stopped: release this prompt's waiters (the stop side wins the race).
            let waiters = state.withLock { $0.waiters.removeValue(forKey: prompt) ?? [] }
            waiters.forEach { $0.resume() }
        }
    }
}
