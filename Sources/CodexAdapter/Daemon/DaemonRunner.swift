import CompanionCore
import Foundation
import Logging

/// Runs each turn through Codex's own daemon (Codex 0.151+ keeps one running after its terminal UI
/// quits): one WebSocket connection on the daemon's unix control socket, kept while the daemon runs
/// (`DaemonLink`), and per turn the same conversation as the app-server engine (`AppServerConversation`)
/// on a channel of that connection. The daemon holds the session's writer lock, so the turn lands in the
/// very thread the terminal uses, and a terminal open on it shows the turn as it runs.
///
/// No process is started and none is stopped: the daemon is the user's. A stop interrupts the turn
/// (`turn/interrupt`), then ends the turn's channel.
public struct DaemonRunner: CodexRunning {
    /// The daemon's control socket (`CodexDaemon.socketPath`).
    public let socketPath: String
    /// `read-only`, `workspace-write` or `danger-full-access`: the thread's `sandbox`.
    public var sandbox: String
    /// When Codex asks before acting: the thread's `approvalPolicy`.
    public var approvalPolicy: ApprovalPolicy
    /// How long the daemon gets to end an interrupted turn, and then to answer our close.
    public var interruptGrace: Duration
    /// How long the daemon gets to take the connection (and, for `currentWay`, to answer `initialize`):
    /// past it the daemon counts as not running and the configured engine runs the turn.
    public let answerLimit: Duration
    private let logger: Logger
    /// The connection every turn shares while the daemon runs.
    let links: DaemonLinks

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
        links = DaemonLinks(socketPath: socketPath, limit: answerLimit, logger: logger)
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
        var settings = AppServerConversation.Settings(
            request: request, sandbox: sandbox, approvalPolicy: approvalPolicy, grace: interruptGrace, leaveOutHistory: true)
        settings.handshake = false
        var attempt = 0
        while true {
            attempt += 1
            let channel: DaemonChannel
            do {
                channel = try await links.channel()
            } catch {
                logger.info("Codex's daemon does not answer", metadata: ["socket": "\(socketPath)", "error": "\(error)"])
                throw DaemonUnavailable()
            }
            let conversation = AppServerConversation(
                settings: settings, control: control, logger: logger, kill: { channel.finish() }, onEvent: onEvent)
            await converse(conversation, on: channel)
            var turn = conversation.state.record
            // The daemon went (restarted) before it answered anything: nothing ran, so once more, on a new
            // connection, before calling the turn lost.
            if attempt == 1, turn.threadID == nil, channel.link.isClosed, control?.stopReason == nil { continue }
            // A turn that neither completed nor failed nor was stopped: the daemon went away under it.
            if !turn.completed, turn.failureMessage == nil, control?.stopReason == nil {
                turn.apply(.turnFailed(message: "The connection to Codex's daemon ended during the turn (did Codex stop?)."))
            }
            return CodexRunResult(exitCode: 0, startedAt: startedAt, endedAt: Date(), turn: turn, stdoutTail: "", stderrTail: "")
        }
    }

    /// The turn's conversation on its channel, until the turn is over or the daemon has gone.
    private func converse(_ conversation: AppServerConversation, on channel: DaemonChannel) async {
        let answerLimit = self.answerLimit
        do {
            try await withThrowingTaskGroup(of: ConversationOutcome.self) { group in
                group.addTask {
                    await conversation.sendLines { channel.send($0) }
                    channel.finish()
                    return .other
                }
                group.addTask {
                    // A daemon that took the connection once but answers nothing now has hung: the link is
                    // dropped, so this turn (and any other on it) ends, and the next connects anew.
                    if await channel.answered.wait(upTo: answerLimit) == nil, !Task.isCancelled {
                        logger.warning("Codex's daemon stopped answering; dropping the connection")
                        channel.link.abort()
                    }
                    return .other
                }
                group.addTask { .stdout(try await conversation.readLines(channel.incoming)) }
                conversation.addConversationTasks(to: &group)
                for try await outcome in group {
                    // The channel ended (the turn is over, or the daemon went): the stop watcher can go.
                    if case .stdout = outcome { group.cancelAll() }
                }
            }
        } catch {
            logger.warning("a turn through Codex's daemon failed", metadata: ["error": "\(error)"])
        }
        // Cancelled (a shutdown out of time): no child of ours ends with the run here, so the daemon is
        // told to stop the turn rather than left running it.
        if Task.isCancelled, let running = conversation.state.beginStopping() {
            channel.link.interrupt(thread: running.threadID, turn: running.turnID)
        }
    }
}

/// Nothing answers on the daemon's socket (no daemon, or a stale socket file): run the turn another way.
public struct DaemonUnavailable: Error, CustomStringConvertible {
    public var description: String { "Codex's daemon does not answer on its socket" }
}
