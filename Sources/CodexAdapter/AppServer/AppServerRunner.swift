import CompanionCore
import Foundation
import Logging
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one turn through a `codex app-server` child (JSON-RPC over stdio): cwd = the repository,
/// CODEX_HOME as configured. Unlike `codex exec` it streams the answer, asks before risky actions and
/// takes steering text, and it still leaves the terminal free: the child ends with the turn.
public struct AppServerRunner: CodexRunning {
    /// Absolute path of the real codex binary (see `CodexBinaryLocator`), so signals reach Codex itself.
    public var binaryPath: String
    /// CODEX_HOME for the child: the same resolved home the session lookup reads.
    public var codexHome: String?
    /// Codex's whole environment (CODEX_HOME aside): the user's, without the companion's secrets.
    public var environment: [String: String]
    /// `read-only`, `workspace-write` or `danger-full-access`: the thread's `sandbox`.
    public var sandbox: String
    /// When Codex asks before acting: the thread's `approvalPolicy`.
    public var approvalPolicy: ApprovalPolicy
    /// How long Codex gets to end an interrupted turn, and then to exit, before it is killed.
    public var interruptGrace: Duration
    private let logger: Logger

    public init(
        binaryPath: String, codexHome: String?,
        environment: [String: String] = CompanionSecrets.none.childEnvironment(ProcessInfo.processInfo.environment),
        sandbox: String = ConfigDefaults.sandbox, approvalPolicy: ApprovalPolicy = .onRequest,
        interruptGrace: Duration = .seconds(3), logger: Logger = Logger(label: "companion.codex.app-server")
    ) {
        self.binaryPath = binaryPath
        self.codexHome = codexHome
        self.environment = environment
        self.sandbox = sandbox
        self.approvalPolicy = approvalPolicy
        self.interruptGrace = interruptGrace
        self.logger = logger
    }

    public func run(
        _ request: CodexRunRequest, control: RunControl?,
        onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        try CodexChild.preflight(binaryPath: binaryPath, repoPath: request.repoPath)
        Self.ignoreBrokenPipes
        let environment = CodexChild.environment(environment, codexHome: codexHome)
        var options = PlatformOptions()
        // A cancelled run interrupts Codex like Ctrl-C, then kills it.
        options.teardownSequence = [.send(signal: .interrupt, allowedDurationToNextStep: interruptGrace)]
        let settings = AppServerConversation.Settings(
            request: request, sandbox: sandbox, approvalPolicy: approvalPolicy, grace: interruptGrace)
        let logger = self.logger

        let startedAt = Date()
        let result = try await Subprocess.run(
            .path(FilePath(binaryPath)),
            arguments: Arguments(["app-server"] + CodexChild.configOverrides),
            environment: environment,
            workingDirectory: FilePath(request.repoPath),
            platformOptions: options,
            input: .inputWriter,
            output: .sequence,
            error: .sequence
        ) { execution in
            await onProcessStarted(Int32(execution.processIdentifier.value))
            let conversation = AppServerConversation(
                settings: settings, control: control, logger: logger, kill: { try? execution.send(signal: .kill) }, onEvent: onEvent)
            return try await withThrowingTaskGroup(of: ConversationOutcome.self) { group in
                group.addTask {
                    // The only writer of Codex's stdin: one line at a time, then end-of-file on close.
                    await conversation.sendLines { line in _ = try await execution.standardInputWriter.write(line + "\n") }
                    try? await execution.standardInputWriter.finish()
                    return .other
                }
                group.addTask {
                    .stdout(try await conversation.readLines(execution.standardOutput.strings(bufferingPolicy: .maxLineLength(64 << 20))))
                }
                group.addTask {
                    var tail = TailBuffer()
                    for try await line in execution.standardError.strings(bufferingPolicy: .maxLineLength(1 << 20)) {
                        tail.append(line)
                    }
                    return .stderr(tail.text)
                }
                conversation.addConversationTasks(to: &group)
                var stdoutTail = ""
                var stderrTail = ""
                var streamsDone = 0
                for try await outcome in group {
                    switch outcome {
                    case .other: break
                    case .stdout(let tail):
                        stdoutTail = tail
                        streamsDone += 1
                    case .stderr(let tail):
                        stderrTail = tail
                        streamsDone += 1
                    }
                    // Both streams closed: Codex has exited, so the stop watcher is no longer needed.
                    if streamsDone == 2 { group.cancelAll() }
                }
                return (conversation.state.record, stdoutTail, stderrTail)
            }
        }
        let (turn, stdoutTail, stderrTail) = result.closureResult
        return CodexChild.result(
            result.terminationStatus, startedAt: startedAt, turn: turn, stdoutTail: stdoutTail, stderrTail: stderrTail)
    }

    public func currentWay() async -> String? { "each turn starts its own `codex app-server`" }

    /// Writing to the stdin of an app-server that has just exited must fail with EPIPE, not end this
    /// process with SIGPIPE (the default action): an answer to Codex can race with its exit.
    private static let ignoreBrokenPipes: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}
