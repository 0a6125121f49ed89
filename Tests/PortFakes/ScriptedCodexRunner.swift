import CompanionCore
import Foundation
import Synchronization

/// A Codex that emits the events scripted for a prompt and then waits, as a long turn does, until the
/// test opens the prompt's gate (the turn completes) or the run is asked to stop (the turn is interrupted).
///
/// Like the real engines it watches for a stop from the moment it starts, beside everything else it
/// waits for (an approval, the gate): a stop asked while an approval waits, or after one was answered,
/// interrupts the turn.
public final class ScriptedCodexRunner: CodexRunning {
    private struct State {
        var scripts: [String: [CodexEvent]] = [:]
        var gates: [String: OneShot<Void>] = [:]
        var requests: [CodexRunRequest] = []
        var running: Set<String> = []
        var approvals: [String: ApprovalRequest] = [:]
        var decisions: [ApprovalDecision] = []
        var steerable = false
        var steered: [String] = []
        var takingInput: Set<String> = []
        var way: String?
    }

    private let state = Mutex(State())

    public init() {}

    public func script(_ prompt: String, _ events: [CodexEvent]) {
        state.withLock { $0.scripts[prompt] = events }
    }

    /// Lets the turn of `prompt` complete (now, or as soon as it runs).
    public func open(_ prompt: String) {
        gate(prompt).fire()
    }

    private func gate(_ prompt: String) -> OneShot<Void> {
        state.withLock { state in
            if let gate = state.gates[prompt] { return gate }
            let gate = OneShot<Void>()
            state.gates[prompt] = gate
            return gate
        }
    }

    /// The turn of `prompt` asks for this approval after its scripted events, as app-server does.
    public func scriptApproval(_ prompt: String, _ request: ApprovalRequest) {
        state.withLock { $0.approvals[prompt] = request }
    }

    /// From now on turns take steering text (as the app-server engine does); `exec` turns do not.
    public func acceptSteering(_ accept: Bool = true) {
        state.withLock { $0.steerable = accept }
    }

    /// What `currentWay()` says from now on (nil, like a runner with nothing to say, by default).
    public func setWay(_ way: String?) {
        state.withLock { $0.way = way }
    }

    public func currentWay() async -> String? { state.withLock { $0.way } }

    /// The decisions the approvals got, in order.
    public var decisions: [ApprovalDecision] { state.withLock { $0.decisions } }
    /// The prompts whose turns take steering text now.
    public var takingInput: Set<String> { state.withLock { $0.takingInput } }
    /// Text steered into turns, in order.
    public var steered: [String] { state.withLock { $0.steered } }

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
        // The stop watcher runs for the whole turn, as the real engines' does.
        let interrupted = OneShot<Void>()
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if await control?.waitForStop() != nil { interrupted.fire() }
            }
            let result = await turn(request, events: events, control: control, interrupted: interrupted, onEvent: onEvent)
            group.cancelAll()
            return result
        }
    }

    private func turn(
        _ request: CodexRunRequest, events: [CodexEvent], control: RunControl?, interrupted: OneShot<Void>,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async -> CodexRunResult {
        var turn = TurnRecord()
        for event in events {
            turn.apply(event)
            await onEvent(event)
        }
        let (approval, steerable) = state.withLock { ($0.approvals[request.prompt], $0.steerable) }
        // Text steered into this turn, folded into its record before the answer that follows it.
        let steeredHere = Mutex<[String]>([])
        if steerable, let control {
            control.channel.acceptSteering { text in
                self.state.withLock { $0.steered.append(text) }
                steeredHere.withLock { $0.append(text) }
                await onEvent(.itemCompleted(CodexItem(id: "steer", kind: .userMessage(text: text))))
                return .added
            }
            state.withLock { _ = $0.takingInput.insert(request.prompt) }
        }
        defer {
            control?.channel.stopSteering()
            state.withLock { _ = $0.takingInput.remove(request.prompt) }
        }
        if let approval, let control {
            let decision = await control.channel.requestApproval(approval)
            state.withLock { $0.decisions.append(decision) }
            if case .command(let command, _) = approval.action {
                let ran = CommandExecution(
                    command: command, exitCode: decision.approves ? 0 : nil, status: decision.approves ? .completed : .declined)
                let event = CodexEvent.itemCompleted(CodexItem(id: approval.itemID, kind: .commandExecution(ran)))
                turn.apply(event)
                await onEvent(event)
            }
        }
        let gate = gate(request.prompt)
        let completed = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await gate.wait() != nil }
            group.addTask {
                _ = await interrupted.wait()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        for text in steeredHere.withLock({ $0 }) {
            turn.apply(.itemCompleted(CodexItem(id: "steer", kind: .userMessage(text: text))))
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
}
