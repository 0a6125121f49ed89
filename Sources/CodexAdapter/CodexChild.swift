import CompanionCore
import Foundation
import Subprocess

/// What both engines share about their codex child: the checks before it starts, its environment, and
/// how its end becomes a `CodexRunResult`.
enum CodexChild {
    /// Clear messages for the failures that can be seen before Codex starts.
    static func preflight(binaryPath: String, repoPath: String) throws {
        guard FileManager.default.isExecutableFile(atPath: binaryPath) else {
            throw CodexLaunchError(CodexBinaryLocator.notFoundMessage(binaryPath))
        }
        guard GitRepository.contains(repoPath) else {
            throw CodexLaunchError("\(repoPath) is not a git repository, and Codex only works in one. Run `git init` there.")
        }
    }

    /// The companion's environment, with CODEX_HOME set to the home the session lookup reads.
    static func environment(codexHome: String?) -> Environment {
        guard let codexHome else { return .inherit }
        return Environment.inherit.updating(["CODEX_HOME": codexHome])
    }

    /// The run's result from how the child ended and what it printed.
    static func result(
        _ status: TerminationStatus, startedAt: Date, turn: TurnRecord, stdoutTail: String, stderrTail: String
    ) -> CodexRunResult {
        var exitCode: Int32?
        var signal: Int32?
        switch status {
        case .exited(let code): exitCode = code
        case .signaled(let code): signal = code
        }
        return CodexRunResult(
            exitCode: exitCode, signal: signal, startedAt: startedAt, endedAt: Date(), turn: turn,
            stdoutTail: stdoutTail, stderrTail: CodexErrorText.withoutBacktrace(stderrTail))
    }
}
