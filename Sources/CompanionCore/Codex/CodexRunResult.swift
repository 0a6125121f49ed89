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

    public init(
        exitCode: Int32?, signal: Int32? = nil, startedAt: Date, endedAt: Date, turn: TurnRecord,
        stdoutTail: String, stderrTail: String
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.turn = turn
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
    }

    /// The raw failure text from Codex (turn.failed, or the stderr error line), for the log.
    public var rawFailure: String? {
        guard !succeeded else { return nil }
        return turn.failureMessage ?? CodexErrorText.errorLine(in: stderrTail)
    }

    public var succeeded: Bool { exitCode == 0 && turn.completed && turn.failureMessage == nil }

    /// Why the turn failed, phrased for the user: our explanation when we know what to do about it,
    /// else Codex's own words, marked as such.
    public var failureReason: String? {
        guard !succeeded else { return nil }
        if let message = turn.failureMessage { return CodexErrorText.explain(failure: message) }
        if let known = CodexErrorText.explain(stderr: stderrTail) { return known }
        if let signal { return "Codex was stopped by signal \(signal)." }
        if let exitCode, exitCode != 0 { return "Codex exited with code \(exitCode)." }
        return "Codex ended without finishing the turn."
    }
}
