import CompanionCore
import Foundation
import Logging

/// Runs one turn through Codex's own daemon (Codex 0.151+ keeps one running after its terminal UI
/// quits): a WebSocket connection on the daemon's unix control socket, then the same conversation as the
/// app-server engine (`AppServerConversation`). The daemon holds the session's writer lock, so the turn
/// lands in the very thread the terminal uses, and a terminal open on it shows the turn as it runs.
///
/// No process is started and none is stopped: the daemon is the user's. A stop interrupts the turn
/// (`turn/interrupt`), then closes the connection.
public struct DaemonRunner: CodexRunning {
    /// The daemon's control socket (`CodexDaemon.socketPath`).
    public var socketPath: String
    /// `read-only`, `workspace-write` or `danger-full-access`: the thread's `sandbox`.
    public var sandbox: String
    /// When Codex asks before acting: the thread's `approvalPolicy`.
    public var approvalPolicy: ApprovalPolicy
    /// How long the daemon gets to end an interrupted turn, and then to answer our close.
    public var interruptGrace: Duration
    /// How long the daemon gets to take the connection (and, for `currentWay`, to answer `initialize`):
    /// past it the daemon counts as not running and the configured engine runs the turn.
    public var answerLimit: Duration
    private let logger: Logger

    /// A hung daemon must not hang a turn or `/status`, and a daemon on a busy machine (a build beside it)
    /// must not be taken for a hung one, or the turn falls back to an engine its writer lock refuses.
    public static let defaultAnswerLimit: Duration = .seconds(10)

    public init(
        socketPath: String, sandbox: String = ConfigDefaults.sandbox, approvalPolicy: ApprovalPolicy = .onRequest,
        interruptGrace: Duration = .seconds(3), answerLimit: Duration = Self.defaultAnswerLimit,
        logger: Logger = Logger(label: "companion.codex.daemon")
    ) {
        self.socketPath = socketPath
        self.sandbox = sandbox
        self.approvalPolicy = approvalPolicy
        self.interruptGrace = interruptGrace
        self.answerLimit = answerLimit
        self.logger = logger
    }

    public func run(
        _ request: CodexRunRequest, control: RunControl?,
        onProcessStarted: @escaping @Sendable (Int32) async -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) async throws -> CodexRunResult {
        guard GitRepository.contains(request.repoPath) else {
            throw CodexLaunchError("\(request.repoPath) is not a git repository, and Codex only works in one. Run `git init` there.")
        }
        let startedAt = Date()
        let socket: DaemonSocket
        do {
            socket = try await DaemonSocket.connect(path: socketPath, limit: answerLimit)
        } catch {
            logger.info("Codex's daemon does not answer", metadata: ["socket": "\(socketPath)", "error": "\(error)"])
            throw DaemonUnavailable()
        }
        let settings = AppServerConversation.Settings(
            request: request, sandbox: sandbox, approvalPolicy: approvalPolicy, grace: interruptGrace, leaveOutHistory: true)
        let conversation = AppServerConversation(
            settings: settings, control: control, logger: logger, kill: { socket.abort() }, onEvent: onEvent)
        do {
            try await socket.run { messages, sender in
                try await withThrowingTaskGroup(of: ConversationOutcome.self) { group in
                    group.addTask {
                        await conversation.sendLines { try await sender.send($0) }
                        try? await sender.close()
                        return .other
                    }
                    group.addTask { .stdout(try await conversation.readLines(messages)) }
                    conversation.addConversationTasks(to: &group)
                    for try await outcome in group {
                        // The daemon closed the connection: nothing more comes, so the stop watcher can go.
                        if case .stdout = outcome { group.cancelAll() }
                    }
                }
            }
        } catch {
            // A connection reset: what the turn did until then is kept, and judged below.
            logger.warning("the connection to Codex's daemon failed", metadata: ["error": "\(error)"])
        }
        // A turn that neither completed nor failed nor was stopped: the daemon went away under it.
        var turn = conversation.state.record
        if !turn.completed, turn.failureMessage == nil, control?.stopReason == nil {
            turn.apply(.turnFailed(message: "The connection to Codex's daemon ended during the turn (did Codex stop?)."))
        }
        return CodexRunResult(exitCode: 0, startedAt: startedAt, endedAt: Date(), turn: turn, stdoutTail: "", stderrTail: "")
    }
}

/// Nothing answers on the daemon's socket (no daemon, or a stale socket file): run the turn another way.
public struct DaemonUnavailable: Error, CustomStringConvertible {
    public var description: String { "Codex's daemon does not answer on its socket" }
}
