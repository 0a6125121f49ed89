import Synchronization

/// What passes between a running turn and the service besides events: Codex's approval requests going
/// out to the user, and the user's steering text going in. The engine installs its steering entry when
/// the turn can take input (`exec` never does); the service installs the approver before the run starts.
public final class TurnChannel: Sendable {
    /// Answers one approval request; it returns when somebody (or the timeout) decided.
    public typealias Approver = @Sendable (ApprovalRequest) async -> ApprovalDecision
    /// Adds text to the running turn.
    public typealias Steerer = @Sendable (String) async -> SteerResult

    private struct State {
        var approver: Approver?
        var steerer: Steerer?
    }

    private let state = Mutex(State())

    public init(approver: Approver? = nil) {
        state.withLock { $0.approver = approver }
    }

    /// The service: approval requests go to `approver` from now on.
    public func setApprover(_ approver: @escaping Approver) {
        state.withLock { $0.approver = approver }
    }

    /// Asks the user (through the service's approver). With nobody to ask, the answer is no.
    public func requestApproval(_ request: ApprovalRequest) async -> ApprovalDecision {
        guard let approver = state.withLock({ $0.approver }) else { return .decline }
        return await approver(request)
    }

    /// The engine: from now on, `steer` reaches the turn through `steerer`.
    public func acceptSteering(_ steerer: @escaping Steerer) {
        state.withLock { $0.steerer = steerer }
    }

    /// The engine: the turn takes no more input (it is ending).
    public func stopSteering() {
        state.withLock { $0.steerer = nil }
    }

    /// Adds `text` to the running turn, if the engine takes input now.
    public func steer(_ text: String) async -> SteerResult {
        guard let steerer = state.withLock({ $0.steerer }) else { return .unsupported }
        return await steerer(text)
    }
}

/// What became of text sent into a running turn.
public enum SteerResult: Sendable, Equatable {
    /// Codex took it; it reaches the model after the current response.
    case added
    /// The engine cannot take input (`exec`), or the turn is ending: run the text as a task of its own.
    case unsupported
    /// Codex refused it; the reason is for the log.
    case failed(String)
}
