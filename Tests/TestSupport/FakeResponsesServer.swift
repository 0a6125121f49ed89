import CompanionCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A fake OpenAI Responses API (`POST /v1/responses`, Server-Sent Events) that lets the REAL codex run
/// offline. Answers are scripted per prompt: the first scripted phrase found in the latest user prompt
/// picks the script, and the number of tool results since that prompt picks the step.
public final class FakeResponsesServer: Sendable {
    public enum Step: Sendable, Equatable {
        /// The assistant's final message for the turn.
        case message(String)
        /// A shell command through Codex's `exec_command` tool.
        case shell(String)
        /// A shell command whose first output Codex returns after `yieldAfter` (`yield_time_ms`), while it
        /// may still run: the fake then waits on it (`waitForCommand`) until it has exited.
        case shellYielding(String, after: Duration)
        /// A file edit through Codex's freeform `apply_patch` tool (the raw patch text).
        case patch(String)
        /// A plan through `update_plan`: (step, status) pairs.
        case plan([PlanStep])
        /// An HTTP error status with a JSON error body.
        case httpError(Int)
        /// A stream that reports `response.failed`.
        case failed(message: String)
        /// The final message, sent only after a pause: keeps a task running while a test looks at it.
        case slowMessage(String, delay: Duration)
        /// The final message, sent only once the test calls `release(name)` (or the fake stops): keeps a
        /// task running exactly as long as the test needs, however slow the machine.
        case heldMessage(String, until: String)
        /// A shell command that asks to run outside the sandbox (`exec_command` with
        /// `sandbox_permissions: "require_escalated"` and the model's `justification`): under app-server with
        /// approval policy `on-request`, Codex asks the user before running it.
        case escalatedShell(String, justification: String)
        /// The final message streamed in pieces (one `response.output_text.delta` each) with `pause` between
        /// them, so Codex reports the answer as it is written. Stopping the fake ends the pauses at once.
        case streamedMessage([String], pause: Duration)
        /// Waits on a command that is still running (`write_stdin` with no input, for the session id
        /// `exec_command` answered with), as a model does. The fake sends it by itself; scripts never need it.
        case waitForCommand(sessionID: Int)
    }

    public struct PlanStep: Sendable, Equatable {
        public var step: String
        public var status: String

        public init(_ step: String, _ status: String) {
            self.step = step
            self.status = status
        }
    }

    /// What codex sent, reduced to what tests assert on.
    public struct RecordedRequest: Sendable {
        /// Every user prompt in the request's input, oldest first: the thread's history.
        public var userPrompts: [String]
        public var threadID: String?
        public var toolOutputs: Int
        /// The images of the thread's user messages (`input_image` parts: their `image_url`, a data URL),
        /// oldest first.
        public var images: [String] = []
    }

    private struct State {
        var scripts: [(phrase: String, steps: [Step])] = []
        var requests: [RecordedRequest] = []
        var requestWaiters: [CheckedContinuation<Void, Never>] = []
        var stopping = false
        var pauseWaiters: [UUID: CheckedContinuation<Void, Never>] = [:]
        var releases: [String: OneShot<Void>] = [:]
        var responseCounter = 0
    }

    private let state = Mutex(State())
    private let server: LoopbackServer

    private init(server: LoopbackServer) {
        self.server = server
    }

    public static func start() async throws -> FakeResponsesServer {
        let box = ServerBox()
        let router = Router()
        router.post("/v1/responses") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            guard let fake = box.server else { return Response(status: .serviceUnavailable) }
            return await fake.respondAfterPause(to: Data(buffer: body), threadID: request.headers[HTTPField.Name("thread-id")!])
        }
        let server = try await LoopbackServer.start(router: router)
        let fake = FakeResponsesServer(server: server)
        box.server = fake
        return fake
    }

    /// Base URL for codex's provider config (`…/v1`).
    public var baseURL: String { server.baseURL + "/v1" }

    /// Ends scripted pauses at once (a paused answer would hold the graceful shutdown), then stops.
    public func stop() async {
        let (waiters, releases) = state.withLock { state in
            state.stopping = true
            defer { state.pauseWaiters = [:] }
            return (Array(state.pauseWaiters.values), Array(state.releases.values))
        }
        waiters.forEach { $0.resume() }
        releases.forEach { $0.fulfil(()) }
        await server.stop()
    }

    /// Sleeps for `pause`, or less if the server is stopping.
    private func pauseUnlessStopping(_ pause: Duration) async {
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: pause) }
            group.addTask {
                await withCheckedContinuation { continuation in
                    let stopping = self.state.withLock { state -> Bool in
                        if state.stopping { return true }
                        state.pauseWaiters[id] = continuation
                        return false
                    }
                    if stopping { continuation.resume() }
                }
            }
            await group.next()
            group.cancelAll()
            // The sleep won: release this pause's stop waiter (only this one).
            self.state.withLock { $0.pauseWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Lets the held messages named `name` go (now, or as soon as they are asked for).
    public func release(_ name: String) {
        releaseShot(name).fulfil(())
    }

    private func releaseShot(_ name: String) -> OneShot<Void> {
        state.withLock { state in
            if let shot = state.releases[name] { return shot }
            let shot = OneShot<Void>()
            if state.stopping { shot.fulfil(()) }
            state.releases[name] = shot
            return shot
        }
    }

    /// Scripts the answers to prompts containing `phrase`. Later scripts win over earlier ones.
    public func script(_ phrase: String, _ steps: [Step]) {
        state.withLock { $0.scripts.insert((phrase, steps), at: 0) }
    }

    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Returns once codex has sent at least `count` requests (the waiting task's cancellation ends it too).
    public func waitForRequests(_ count: Int = 1) async {
        while state.withLock({ $0.requests.count }) < count && !Task.isCancelled {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.requests.count >= count { return true }
                    state.requestWaiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    private func respond(to body: Data, threadID: String?) -> (Response, pause: Duration?, hold: String?) {
        let input = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["input"] as? [[String: Any]] ?? []
        let prompts = Self.userPrompts(in: input)
        let lastUserIndex = input.lastIndex { Self.isUserPrompt($0) } ?? -1
        let outputs = input.suffix(from: lastUserIndex + 1).filter {
            ["function_call_output", "custom_tool_call_output"].contains($0["type"] as? String ?? "")
        }
        let toolOutputs = outputs.count
        // A command still running when Codex answered is waited on, like a model does; only finished tool
        // calls move the script on, so the turn never ends while an approved command still runs.
        let running = outputs.last.flatMap(Self.runningSession(in:))
        let finishedOutputs = outputs.filter { Self.runningSession(in: $0) == nil }.count
        let (step, number, waiters): (Step, Int, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            state.requests.append(
                RecordedRequest(userPrompts: prompts, threadID: threadID, toolOutputs: toolOutputs, images: Self.images(in: input)))
            let waiters = state.requestWaiters
            state.requestWaiters = []
            state.responseCounter += 1
            let latest = prompts.last ?? ""
            let steps = state.scripts.first { latest.contains($0.phrase) }?.steps ?? [.message("Done.")]
            if let running { return (.waitForCommand(sessionID: running), state.responseCounter, waiters) }
            return (finishedOutputs < steps.count ? steps[finishedOutputs] : .message("Done."), state.responseCounter, waiters)
        }
        waiters.forEach { $0.resume() }
        var pause: Duration?
        var hold: String?
        if case .slowMessage(_, let delay) = step { pause = delay }
        if case .heldMessage(_, let name) = step { hold = name }
        return (SSEResponse.make(step, responseNumber: number, pause: { await self.pauseUnlessStopping($0) }), pause, hold)
    }

    /// Answers after the step's pause, if it has one.
    private func respondAfterPause(to body: Data, threadID: String?) async -> Response {
        let (response, pause, hold) = respond(to: body, threadID: threadID)
        if let pause { await pauseUnlessStopping(pause) }
        if let hold { await releaseShot(hold).wait() }
        return response
    }

    /// The session id in a tool result that says its command still runs ("Process running with session
    /// ID 42" in Codex's unified exec output), or nil.
    static func runningSession(in item: [String: Any]) -> Int? {
        let text: String
        if let output = item["output"] as? String {
            text = output
        } else if let parts = item["output"] as? [[String: Any]] {
            text = parts.compactMap { $0["text"] as? String }.joined()
        } else {
            return nil
        }
        guard let match = text.firstMatch(of: /Process running with session ID (\d+)/) else { return nil }
        return Int(match.1)
    }

    static func isUserPrompt(_ item: [String: Any]) -> Bool {
        guard item["type"] as? String == "message", item["role"] as? String == "user" else { return false }
        let text = promptText(item)
        // Codex adds context messages with the user role; they are not prompts.
        return !text.hasPrefix("<") && !text.hasPrefix("# AGENTS.md")
    }

    /// The user's words: the text parts, without the `<image …></image>` labels Codex puts around images.
    static func promptText(_ item: [String: Any]) -> String {
        let content = item["content"] as? [[String: Any]] ?? []
        let text = content.compactMap { $0["text"] as? String }.joined()
        return text.replacing(/<image[^>]*>(<\/image>)?|<\/image>/, with: "")
    }

    static func images(in input: [[String: Any]]) -> [String] {
        input.filter { $0["type"] as? String == "message" && $0["role"] as? String == "user" }
            .flatMap { ($0["content"] as? [[String: Any]]) ?? [] }
            .filter { $0["type"] as? String == "input_image" }
            .compactMap { $0["image_url"] as? String }
    }

    static func userPrompts(in input: [[String: Any]]) -> [String] {
        input.filter(isUserPrompt).map { promptText($0).trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

/// Lets the route closure reach the fake once it exists.
private final class ServerBox: @unchecked Sendable {
    var server: FakeResponsesServer?
}
