import CompanionCore
import Synchronization

/// Our side of one app-server's JSON-RPC: numbered requests with awaited answers, notifications, and
/// answers to Codex's own requests.
///
/// Every line goes out through one stream that a single writer task drains, so two answers sent at once
/// by different tasks never interleave in the pipe. Closing the connection ends that stream, which closes
/// Codex's stdin (the app-server then exits at once, releasing the thread's writer lock), and fails every
/// request still waiting: nothing waits for an answer from a process that is gone.
final class AppServerConnection: Sendable {
    typealias Answer = Result<JSONValue, AppServerRPCError>
    /// Runs on the reading task the moment the answer is read, before later lines are handled: what a
    /// later notification depends on (a turn's id) is recorded in the order Codex wrote it.
    typealias AnswerHook = @Sendable (Answer) -> Void

    private struct Waiter {
        let answer = OneShot<Answer>()
        var hook: AnswerHook?
    }

    private struct State {
        var nextID = 1
        var waiting: [Int: Waiter] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let outgoing: AsyncStream<String>.Continuation
    /// The lines for Codex's stdin, in order, each without its newline; the stream ends on `close()`.
    let lines: AsyncStream<String>

    init() {
        (lines, outgoing) = AsyncStream.makeStream()
    }

    /// Sends a request and waits for its answer, or `.closed` once the connection closes (or the
    /// waiting task is cancelled: nobody reads the answer then).
    func request(_ method: String, _ params: JSONValue, onAnswer hook: AnswerHook? = nil) async -> Answer {
        let waiter = Waiter(hook: hook)
        let id = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            defer { state.nextID += 1 }
            state.waiting[state.nextID] = waiter
            return state.nextID
        }
        guard let id else { return .failure(.closed) }
        send(["id": .number(Double(id)), "method": .string(method), "params": params])
        return await waiter.answer.wait() ?? .failure(.closed)
    }

    /// Sends a notification (`initialized`); nil params are left out, as Codex's own clients do.
    func notify(_ method: String, _ params: JSONValue? = nil) {
        var message: [String: JSONValue] = ["method": .string(method)]
        if let params { message["params"] = params }
        send(.object(message))
    }

    /// Answers Codex's request `id` (the id exactly as Codex sent it).
    func respond(to id: JSONValue, result: JSONValue) {
        send(["id": id, "result": result])
    }

    /// Refuses Codex's request `id` with a JSON-RPC error.
    func respond(to id: JSONValue, error: AppServerRPCError) {
        send(["id": id, "error": ["code": .number(Double(error.code)), "message": .string(error.message)]])
    }

    /// Hands an answer from Codex to the request that waits for it; false when none does.
    @discardableResult
    func resolve(_ id: JSONValue, with answer: Answer) -> Bool {
        guard let number = id.int, let waiter = state.withLock({ $0.waiting.removeValue(forKey: number) }) else { return false }
        waiter.hook?(answer)
        waiter.answer.fulfil(answer)
        return true
    }

    /// Closes Codex's stdin (once the queued lines are written) and fails the requests that still wait.
    func close() {
        let waiters = state.withLock { state -> [Waiter] in
            guard !state.closed else { return [] }
            state.closed = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        outgoing.finish()
        waiters.forEach { $0.answer.fulfil(.failure(.closed)) }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    private func send(_ message: JSONValue) {
        outgoing.yield(message.line)
    }
}
