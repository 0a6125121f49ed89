import Foundation

/// How a codex process ended and what it said.
public struct CodexRunResult: Sendable, Equatable {
    public var exitCode: Int32?
    /// Set when the process was ended by a signal.
    public var signal: Int32?
    public var startedAt: Date
    public var endedAt: Date
    public var turn: TurnRecord
    /// The last lines of stdout and stderr, for the record.
    public var stdoutTail: String
    public var stderrTail: String

    public init(exitCode: Int32?, signal: Int32? = nil, startedAt: Date, endedAt: Date, turn: TurnRecord,
                stdoutTail: String, stderrTail: String) {
        self.exitCode = exitCode
        self.signal = signal
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.turn = turn
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
    }

    public var succeeded: Bool { exitCode == 0 && turn.completed && turn.failureMessage == nil }

    /// Codex's own explanation of a failure, phrased for the user.
    public var failureReason: String? {
        guard !succeeded else { return nil }
        if let message = turn.failureMessage { return message }
        if let known = CodexErrorText.explain(stderr: stderrTail) { return known }
        if let signal { return "Codex was stopped by signal \(signal)." }
        if let exitCode, exitCode != 0 { return "Codex exited with code \(exitCode)." }
        return "Codex ended without finishing the turn."
    }
}
