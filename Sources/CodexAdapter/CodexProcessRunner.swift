import CompanionCore
import Foundation
import Logging
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs one turn as a `codex exec --json` process: cwd = the repository, prompt on stdin, JSONL on stdout.
public struct CodexProcessRunner: CodexRunning {
    /// Absolute path of the real codex binary (see `CodexBinaryLocator`), so signals reach Codex itself.
    public var binaryPath: String
    /// CODEX_HOME for the child: the same resolved home the session lookup reads, so a session this
    /// run creates is the one the next "continue" finds. nil only in tests that rely on the inherited one.
    public var codexHome: String?
    /// Codex's whole environment (CODEX_HOME aside): the user's, without the companion's secrets.
    public var environment: [String: String]
    public var sandbox: String
    /// How long Codex gets to stop after SIGINT before it is killed.
    public var interruptGrace: Duration
    private let logger: Logger

    public init(
        binaryPath: String, codexHome: String? = nil,
        environment: [String: String] = CompanionSecrets.none.childEnvironment(ProcessInfo.processInfo.environment),
        sandbox: String = ConfigDefaults.sandbox, interruptGrace: Duration = .seconds(3), logger: Logger = Logger(label: "companion.codex")
    ) {
        self.binaryPath = binaryPath
        self.codexHome = codexHome
        self.environment = environment
        self.sandbox = sandbox
        self.interruptGrace = interruptGrace
        self.logger = logger
    }

    /// The arguments for a turn. `-s` must come before `resume`; `-` reads the prompt from stdin, which is
    /// safe for any text, including text that starts with a dash.
    public func arguments(for request: CodexRunRequest) -> [String] {
        var arguments = ["exec", "--json", "-s", sandbox] + CodexChild.configOverrides
        if let thread = request.resumeThreadID {
            arguments += ["resume", thread]
        }
        // `--image=PATH`, not `-i PATH`: the flag takes several values and would swallow the `-` after it.
        arguments += request.images.map { "--image=\($0)" }
        arguments.append("-")
        return arguments
    }

    public func currentWay() async -> String? { "each turn starts its own `codex exec`" }

    public func run(
        _ request: CodexRunRequest, control: RunControl?,
        onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        try CodexChild.preflight(binaryPath: binaryPath, repoPath: request.repoPath)
        let environment = CodexChild.environment(environment, codexHome: codexHome)
        var options = PlatformOptions()
        // Cancelling the task interrupts Codex like Ctrl-C (the session stays resumable), then kills it.
        options.teardownSequence = [.send(signal: .interrupt, allowedDurationToNextStep: interruptGrace)]

        let startedAt = Date()
        let decoder = CodexEventDecoder()
        let prompt = request.prompt
        let logger = self.logger
        let grace = interruptGrace
        let result = try await Subprocess.run(
            .path(FilePath(binaryPath)),
            arguments: Arguments(arguments(for: request)),
            environment: environment,
            workingDirectory: FilePath(request.repoPath),
            platformOptions: options,
            input: .inputWriter,
            output: .sequence,
            error: .sequence
        ) { execution in
            await onProcessStarted(Int32(execution.processIdentifier.value))
            return try await withThrowingTaskGroup(of: StreamOutcome.self) { group in
                group.addTask {
                    _ = try await execution.standardInputWriter.write(prompt)
                    try await execution.standardInputWriter.finish()
                    return .input
                }
                group.addTask {
                    var turn = TurnRecord()
                    var tail = TailBuffer()
                    for try await line in execution.standardOutput.strings(bufferingPolicy: .maxLineLength(64 << 20)) {
                        tail.append(line)
                        do {
                            guard let event = try decoder.decode(line: line) else { continue }
                            turn.apply(event)
                            await onEvent(event)
                        } catch {
                            logger.warning("codex printed a line that is not JSON", metadata: ["line": "\(line.prefix(200))"])
                        }
                    }
                    return .stdout(turn, tail.text)
                }
                group.addTask {
                    var tail = TailBuffer()
                    for try await line in execution.standardError.strings(bufferingPolicy: .maxLineLength(1 << 20)) {
                        tail.append(line)
                    }
                    return .stderr(tail.text)
                }
                group.addTask {
                    // Stop on request: SIGINT lets Codex end the turn and keep the session resumable;
                    // SIGKILL only if it has not exited after the grace period.
                    guard let control, await control.waitForStop() != nil else { return .watcher }
                    try? execution.send(signal: .interrupt)
                    try? await Task.sleep(for: grace)
                    if !Task.isCancelled { try? execution.send(signal: .kill) }
                    return .watcher
                }
                var turn = TurnRecord()
                var stdoutTail = ""
                var stderrTail = ""
                var streamsDone = 0
                for try await outcome in group {
                    switch outcome {
                    case .input, .watcher: break
                    case .stdout(let record, let tail):
                        turn = record
                        stdoutTail = tail
                        streamsDone += 1
                    case .stderr(let tail):
                        stderrTail = tail
                        streamsDone += 1
                    }
                    // Both streams closed: Codex has exited, so the stop watcher is no longer needed.
                    if streamsDone == 2 { group.cancelAll() }
                }
                return (turn, stdoutTail, stderrTail)
            }
        }
        let (turn, stdoutTail, stderrTail) = result.closureResult
        return CodexChild.result(
            result.terminationStatus, startedAt: startedAt, turn: turn, stdoutTail: stdoutTail, stderrTail: stderrTail)
    }

}

private enum StreamOutcome: Sendable {
    case input
    case watcher
    case stdout(TurnRecord, String)
    case stderr(String)
}
