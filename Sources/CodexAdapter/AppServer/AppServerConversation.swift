import CompanionCore
import Foundation
import Logging

/// One run's conversation with its `codex app-server` child: the handshake, the thread, the turn,
/// steering, approvals and stopping. The runner owns the process and its pipes; this owns what is said.
///
/// The order of a run: `initialize`, `initialized`, `thread/start` (or `thread/resume`), `turn/start`,
/// then notifications until every turn started has completed; then Codex's stdin is closed, so the child
/// exits and the thread's writer lock is free for a terminal `codex exec resume` right away.
final class AppServerConversation: Sendable {
    struct Settings: Sendable {
        var request: CodexRunRequest
        var sandbox: String
        var approvalPolicy: ApprovalPolicy
        var grace: Duration
        /// Ask `thread/resume` for no history (`excludeTurns`): a long thread's turns can be megabytes, and
        /// the run does not need them. Codex's daemon (0.151+) takes it; 0.147's app-server refuses it
        /// without the experimental API.
        var leaveOutHistory = false
        /// Begin with `initialize`: false on a connection that has done its handshake (`DaemonLink`).
        var handshake = true
    }

    let connection = AppServerConnection()
    let state = AppServerTurnState()
    /// Codex's approval requests, answered beside the conversation (the runner runs `answerAll()`).
    let approvals: AppServerApprovals
    private let settings: Settings
    private let control: RunControl?
    private let logger: Logger
    private let onEvent: @Sendable (CodexEvent) async -> Void
    private let kill: @Sendable () -> Void

    init(
        settings: Settings, control: RunControl?, logger: Logger, kill: @escaping @Sendable () -> Void,
        onEvent: @escaping @Sendable (CodexEvent) async -> Void
    ) {
        self.settings = settings
        self.control = control
        self.logger = logger
        self.kill = kill
        self.onEvent = onEvent
        approvals = AppServerApprovals(connection: connection, channel: control?.channel, exited: state.exited, logger: logger)
    }

    // MARK: - The run's tasks

    /// The tasks every transport runs beside its reader and writer: answering approvals, driving the
    /// turn, and stopping when asked.
    func addConversationTasks(to group: inout ThrowingTaskGroup<ConversationOutcome, any Error>) {
        group.addTask {
            await self.approvals.answerAll()
            return .other
        }
        group.addTask {
            await self.drive()
            return .other
        }
        group.addTask {
            await self.stopWhenAsked()
            return .other
        }
    }

    /// Hands every queued line to `write`, in order, until the connection closes or a write fails.
    func sendLines(_ write: (String) async throws -> Void) async {
        for await line in connection.lines {
            do {
                try await write(line)
            } catch {
                logger.debug("could not write to Codex", metadata: ["error": "\(error)"])
                break
            }
        }
    }

    /// Handles Codex's lines until it is gone (then the run's waits end); returns the last lines read.
    func readLines<Lines: AsyncSequence>(_ lines: Lines) async throws -> String where Lines.Element == String {
        defer { childExited() }
        var tail = TailBuffer()
        for try await line in lines {
            tail.append(line)
            await receive(line)
        }
        return tail.text
    }

    // MARK: - Driving the run

    /// Runs the conversation until every turn has completed (or Codex refused, exited or was stopped),
    /// then closes Codex's stdin.
    func drive() async {
        defer { control?.channel.stopSteering() }
        let request = settings.request
        if settings.handshake {
            guard await call("initialize", Self.initializeParams) != nil else { return await close() }
            connection.notify("initialized")
        }
        var threadParams: JSONValue = [
            "cwd": .string(request.repoPath), "approvalPolicy": .string(settings.approvalPolicy.rawValue),
            "sandbox": .string(settings.sandbox),
        ]
        let method: String
        if let source = request.resumeThreadID ?? request.forkThreadID, case .object(var members) = threadParams {
            members["threadId"] = .string(source)
            if settings.leaveOutHistory { members["excludeTurns"] = true }
            threadParams = .object(members)
            method = request.resumeThreadID == nil ? "thread/fork" : "thread/resume"
        } else {
            method = "thread/start"
        }
        guard let thread = await call(method, threadParams)?["thread"]["id"].string else { return await close() }
        state.setThread(thread)
        await emit(.threadStarted(threadID: thread))
        guard state.holdForTurnStart() else { return await close() }
        let turn = await call(
            "turn/start", Self.turnStart(thread: thread, text: request.prompt, images: request.images), onAnswer: recordTurnStart)
        state.release()
        guard turn != nil else { return await close() }
        control?.channel.acceptSteering { [self] text in await steer(text) }
        await state.settled.wait()
        control?.channel.stopSteering()
        await close()
    }

    /// On a stop: interrupt the running turn, give Codex `grace` to end it (so the rollout records the
    /// interruption), then close, and kill if need be. With no turn running yet, close at once.
    /// Pending approvals are answered by their own tasks (the broker cancels them when the control stops).
    func stopWhenAsked() async {
        guard let control, let reason = await control.waitForStop() else { return }
        logger.info("stopping Codex", metadata: ["reason": "\(reason)"])
        control.channel.stopSteering()
        if let target = state.beginStopping() {
            let connection = self.connection
            let params: JSONValue = ["threadId": .string(target.threadID), "turnId": .string(target.turnID)]
            Task { _ = await connection.request("turn/interrupt", params) }
            _ = await state.settled.wait(upTo: settings.grace)
        }
        await close()
    }

    /// Closes Codex's stdin, which ends the app-server; kills it if it is still there after the grace.
    private func close() async {
        connection.close()
        if await state.exited.wait(upTo: settings.grace) == nil {
            logger.warning("Codex app-server did not exit after its input closed; killing it")
            kill()
        }
    }

    /// Sends a request; on a JSON-RPC error reports the turn as failed with Codex's message.
    private func call(_ method: String, _ params: JSONValue, onAnswer: AppServerConnection.AnswerHook? = nil) async -> JSONValue? {
        switch await connection.request(method, params, onAnswer: onAnswer) {
        case .success(let result):
            return result
        case .failure(let error):
            guard !error.isClosed else { return nil }
            logger.warning("Codex refused \(method)", metadata: ["code": "\(error.code)", "message": "\(error.message)"])
            await emit(.turnFailed(message: error.message))
            return nil
        }
    }

    private func emit(_ event: CodexEvent) async {
        state.apply(event)
        await onEvent(event)
    }

    /// How the companion introduces itself in `initialize`; Codex records the name as the session's
    /// originator (see `RolloutReader.companionOriginator`).
    static let initializeParams: JSONValue = [
        "clientInfo": ["name": .string(RolloutReader.companionOriginator), "title": "Codex Remote Companion", "version": "1"],
        "capabilities": nil,
    ]

    static func turnStart(thread: String, text: String, images: [String] = []) -> JSONValue {
        ["threadId": .string(thread), "input": input(text, images: images)]
    }

    /// The text, then each image as a `localImage` (Codex reads the file and sends it to the model inline).
    private static func input(_ text: String, images: [String] = []) -> JSONValue {
        .array(
            [["type": "text", "text": .string(text), "text_elements": []]]
                + images.map { ["type": "localImage", "path": .string($0)] })
    }

    /// Records the turn a `turn/start` answer names, as the answer is read (see `AnswerHook`).
    private var recordTurnStart: AppServerConnection.AnswerHook {
        { [state] answer in
            if case .success(let result) = answer, let turn = result["turn"]["id"].string { state.started(turn: turn) }
        }
    }

    // MARK: - Steering

    /// Adds `text` to the running turn. When Codex names another active turn, steers that one; when no
    /// turn is active any more (it ended as the text arrived), starts a turn with the text, as Codex's
    /// own TUI does, and the run then waits for that turn too. Never a `turn/start` while a turn runs:
    /// Codex would fold it into the running turn under an id that never completes.
    func steer(_ text: String) async -> SteerResult {
        guard let target = state.holdForSteer() else { return .unsupported }
        defer { state.release() }
        var turnID = target.turnID
        for _ in 0..<2 {
            let params: JSONValue = ["threadId": .string(target.threadID), "expectedTurnId": .string(turnID), "input": Self.input(text)]
            switch await connection.request("turn/steer", params) {
            case .success:
                return .added
            case .failure(let error) where error.isClosed:
                return .unsupported
            case .failure(let error) where error.message.contains("no active turn"):
                logger.info("the turn ended as the steer arrived; starting a turn with it", metadata: ["codex": "\(error.message)"])
                switch await connection.request(
                    "turn/start", Self.turnStart(thread: target.threadID, text: text), onAnswer: recordTurnStart)
                {
                case .success: return .added
                case .failure(let error): return error.isClosed ? .unsupported : .failed(error.message)
                }
            case .failure(let error):
                guard let active = Self.activeTurn(in: error.message), active != turnID else { return .failed(error.message) }
                turnID = active
            }
        }
        return .failed("Codex kept naming another active turn")
    }

    /// The active turn in Codex's "expected active turn id `X` but found `Y`": `Y`.
    static func activeTurn(in message: String) -> String? {
        guard let found = message.range(of: "but found `") else { return nil }
        let rest = message[found.upperBound...]
        guard let end = rest.firstIndex(of: "`") else { return nil }
        return String(rest[..<end])
    }

    // MARK: - Codex's output and requests

    /// Handles one line of Codex's stdout: answers go to their requests, notifications become events,
    /// requests get their answer (approvals through `approvals`).
    func receive(_ line: String) async {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        guard let message = AppServerMessage(line: text) else {
            logger.warning("codex app-server printed a line that is not JSON-RPC", metadata: ["line": "\(text.prefix(200))"])
            return
        }
        switch message {
        case .response(let id, let result):
            connection.resolve(id, with: .success(result))
        case .failure(let id, let error):
            connection.resolve(id, with: .failure(error))
        case .notification(let method, let params):
            if let event = state.handle(method: method, params: params) {
                await onEvent(event)
            } else {
                logger.debug("app-server notification", metadata: ["method": "\(method)"])
            }
        case .request(let id, let method, let params):
            logger.info("Codex asks", metadata: ["method": "\(method)", "id": "\(id.line)"])
            switch AppServerRequestPlan.plan(method: method, params: params, proposal: state.proposal(for:)) {
            case .askUser(let approval): approvals.ask(id: id, approval)
            case .answer(let result): connection.respond(to: id, result: result)
            case .refuse(let error): connection.respond(to: id, error: error)
            }
        }
    }

    /// Codex exited: fail what still waits for it, and end the approvals loop.
    func childExited() {
        state.childExited()
        connection.close()
        approvals.finish()
    }
}

/// What one of a run's tasks ended with: the transport's last output, or nothing worth keeping.
enum ConversationOutcome: Sendable {
    case other
    case stdout(String)
    case stderr(String)
}
