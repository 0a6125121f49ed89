import CompanionCore
import Foundation
import Subprocess

/// What both engines share about their codex child: the checks before it starts, its environment, and
/// how its end becomes a `CodexRunResult`.
enum CodexChild {
    /// Configuration the companion sets on every codex child (`-c key=value`, before any subcommand
    /// argument). Codex 0.163 no longer offers the model its `update_plan` tool unless
    /// `tools.update_plan.enabled` is set, so without this no plan reaches the progress message
    /// ("Plan: 1/3 done"); 0.147 always offers the tool and accepts the key.
    static let configOverrides = ["-c", "tools.update_plan={enabled=true}"]

    /// Clear messages for the failures that can be seen before Codex starts.
    static func preflight(binaryPath: String, repoPath: String) throws {
        guard FileManager.default.isExecutableFile(atPath: binaryPath) else {
            throw CodexLaunchError(CodexBinaryLocator.notFoundMessage(binaryPath))
        }
        guard GitRepository.contains(repoPath) else {
            throw CodexLaunchError("\(repoPath) is not a git repository, and Codex only works in one. Run `git init` there.")
        }
    }

    /// Exactly `variables` (the user's environment without the companion's secrets, see
    /// `CompanionSecrets`), with CODEX_HOME set to the home the session lookup reads. Nothing else of
    /// the companion's own environment is inherited.
    static func environment(_ variables: [String: String], codexHome: String?) -> Environment {
        var variables = variables
        if let codexHome { variables["CODEX_HOME"] = codexHome }
        return .custom(Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
    }

    /// The companion's own environment without the secrets it knows by name: for a child built without
    /// the user's environment at hand (tests, probes).
    static var defaultEnvironment: [String: String] {
        CompanionSecrets.none.childEnvironment(ProcessInfo.processInfo.environment)
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
