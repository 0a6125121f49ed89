import CompanionCore
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A fake Telegram Bot API on loopback that behaves like the real one where a bot can get it wrong:
/// getUpdates offsets and long polling, the 4096 code-point limit, HTML entity parsing, 429 with
/// retry_after, 5xx and HTML error pages, and token checks. Tests inject user messages and failures,
/// and wait for the bot's replies (event-driven, no sleeps).
public final class FakeTelegramServer: Sendable {
    public static let botUsername = "CompanionTestBot"

    public struct SentMessage: Sendable, Equatable {
        public var messageID: Int64
        public var chatID: Int64
        /// What the user sees (tags removed, entities decoded).
        public var text: String
        /// The `text` parameter as sent.
        public var raw: String
        public var parseMode: String?
        /// Wall-clock time the fake received it.
        public var receivedAt: Date = Date()
        /// The inline keyboard it was sent with (see `buttons(of:)` for what it shows after edits).
        public var buttons: [[Button]] = []
        /// The message it quotes (`reply_parameters.message_id`).
        public var replyTo: Int64?
    }

    /// An inline keyboard button: its title and its `callback_data`.
    public struct Button: Sendable, Equatable {
        public var text: String
        public var data: String

        public init(text: String, data: String) {
            self.text = text
            self.data = data
        }
    }

    /// An answerCallbackQuery that Telegram accepted.
    public struct TapAnswer: Sendable, Equatable {
        public var queryID: String
        public var text: String?

        public init(queryID: String, text: String?) {
            self.queryID = queryID
            self.text = text
        }
    }

    public struct Edit: Sendable, Equatable {
        public var messageID: Int64
        public var chatID: Int64
        public var text: String
        public var at: ContinuousClock.Instant
    }

    public struct SentDocument: Sendable, Equatable {
        public var chatID: Int64
        public var fileName: String
        public var contents: Data
        public var caption: String
    }

    /// An injected failure for the next call(s) of a method.
    public enum Failure: Sendable {
        case status(Int, description: String, retryAfter: Int? = nil)
        /// A front proxy's HTML error page.
        case htmlPage(Int)
    }

    struct State {
        var updates: [(id: Int64, json: Data)] = []
        var nextUpdateID: Int64 = 100
        var nextMessageID: Int64 = 1
        var sent: [SentMessage] = []
        var documents: [SentDocument] = []
        var edits: [Edit] = []
        /// The inline keyboard each message shows now (absent: none).
        var buttons: [Int64: [[Button]]] = [:]
        /// Callback queries injected and not yet answered.
        var openQueries: Set<String> = []
        var tapAnswers: [TapAnswer] = []
        var calls: [String] = []
        var callTimes: [(method: String, at: ContinuousClock.Instant)] = []
        var allowedUpdates: [[String]] = []
        var failures: [String: [Failure]] = [:]
        var heldAnswers: [String: AnswerHold] = [:]
        var rejectedSends = 0
        /// Files users sent, in the order they were sent.
        var userFiles: [UserFile] = []
        var nextFileNumber = 1
        /// The file_id of each file served, in order.
        var fileDownloads: [String] = []
        var changeWaiters: [CheckedContinuation<Void, Never>] = []
        var stopping = false
        var version = 0
    }

    let state = Mutex(State())
    public let token: String
    private let server: LoopbackServer

    private init(token: String, server: LoopbackServer) {
        self.token = token
        self.server = server
    }

    public static func start(token: String = "123456:TEST-token_abcdefghij") async throws -> FakeTelegramServer {
        let box = TelegramBox()
        let router = Router()
        router.post("/:bot/:method") { request, context -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            guard let fake = box.server else { return Response(status: .serviceUnavailable) }
            let bot = context.parameters.get("bot") ?? ""
            let method = context.parameters.get("method") ?? ""
            return await fake.handle(
                bot: bot, method: method, body: Data(buffer: body),
                contentType: request.headers[.contentType] ?? "")
        }
        router.get("/file/:bot/**") { _, context -> Response in
            guard let fake = box.server else { return Response(status: .serviceUnavailable) }
            return fake.serveFile(
                bot: context.parameters.get("bot") ?? "", path: context.parameters.getCatchAll().joined(separator: "/"))
        }
        let server = try await LoopbackServer.start(router: router)
        let fake = FakeTelegramServer(token: token, server: server)
        box.server = fake
        return fake
    }

    public var baseURL: String { server.baseURL }

    /// The config's `telegram` section for a bot that talks to this fake and allows `owner`.
    public func configSection(allowing owner: Int64) -> [String: Any] {
        ["telegram": ["allowed_user_ids": [Int(owner)], "api_base_url": baseURL]]
    }

    /// Ends long polls at once (they would hold the graceful shutdown), then stops.
    public func stop() async {
        mutate { $0.stopping = true }
        await server.stop()
        wakeAll()
    }

    // MARK: - What tests do

    /// A user sends a text message (or, with `text: nil`, a photo). Returns the update id.
    @discardableResult
    public func sendMessage(
        from userID: Int64, text: String?, chatID: Int64? = nil, chatType: String = "private",
        date: Date = Date(), edited: Bool = false
    ) -> Int64 {
        injectMessage(from: userID, chatID: chatID, chatType: chatType, date: date, edited: edited) { _ in
            text.map { ["text": $0] } ?? ["photo": [["file_id": "p1", "width": 1, "height": 1]]]
        }
    }

    /// A user taps a button under the bot's message `messageID`: injects a `callback_query` update.
    /// With `inaccessible`, the message comes as Telegram sends one too old to show (only chat, id and
    /// date 0). Returns the query's id, which answerCallbackQuery names.
    @discardableResult
    public func sendCallbackQuery(
        from userID: Int64, messageID: Int64, chatID: Int64? = nil, data: String, chatType: String = "private",
        inaccessible: Bool = false
    ) -> String {
        let text = currentText(of: messageID) ?? ""
        return mutate { state in
            let id = state.nextUpdateID
            state.nextUpdateID += 1
            let queryID = "\(7_000_000_000 + id)"
            var message: [String: Any] = [
                "message_id": Int(messageID), "chat": ["id": Int(chatID ?? userID), "type": chatType],
                "date": inaccessible ? 0 : Int(Date().timeIntervalSince1970),
            ]
            if !inaccessible { message["text"] = text }
            let query: [String: Any] = [
                "id": queryID, "from": ["id": Int(userID), "is_bot": false, "first_name": "Test"],
                "message": message, "chat_instance": "-\(userID)", "data": data,
            ]
            let update: [String: Any] = ["update_id": Int(id), "callback_query": query]
            state.updates.append((id, (try? JSONSerialization.data(withJSONObject: update)) ?? Data()))
            state.openQueries.insert(queryID)
            return queryID
        }
    }

    /// The next `times` calls of `method` fail this way.
    /// The next call of `method` is handled but its answer waits until `release` is fulfilled; `arrived`
    /// is fulfilled when the call has been handled.
    public struct AnswerHold: Sendable {
        public let arrived = OneShot<Void>()
        public let release = OneShot<Void>()
    }

    public func holdAnswer(_ method: String) -> AnswerHold {
        let hold = AnswerHold()
        mutate { $0.heldAnswers[method] = hold }
        return hold
    }

    public func fail(_ method: String, times: Int = 1, with failure: Failure) {
        mutate { $0.failures[method, default: []] += Array(repeating: failure, count: times) }
    }

    public var sentMessages: [SentMessage] { state.withLock { $0.sent } }
    public var documents: [SentDocument] { state.withLock { $0.documents } }
    /// Successful editMessageText calls, in order.
    public var edits: [Edit] { state.withLock { $0.edits } }
    /// The text a message shows now, after its edits.
    public func currentText(of messageID: Int64) -> String? {
        state.withLock { state in
            state.edits.last { $0.messageID == messageID }?.text ?? state.sent.first { $0.messageID == messageID }?.text
        }
    }
    /// The inline keyboard a message shows now: the one it was sent with, changed or removed by its edits.
    public func buttons(of messageID: Int64) -> [[Button]] {
        state.withLock { $0.buttons[messageID] ?? [] }
    }
    /// The button taps answered, in order (refused answers are not here).
    public var tapAnswers: [TapAnswer] { state.withLock { $0.tapAnswers } }
    public var calls: [String] { state.withLock { $0.calls } }
    /// When each call arrived.
    public var callTimes: [(method: String, at: ContinuousClock.Instant)] { state.withLock { $0.callTimes } }
    public var allowedUpdates: [[String]] { state.withLock { $0.allowedUpdates } }
    /// Sends that the fake rejected (bad HTML, too long, empty): a correct bot causes none it cannot recover from.
    public var rejectedSends: Int { state.withLock { $0.rejectedSends } }
    /// Updates not yet confirmed by a later getUpdates offset.
    public var unconfirmedUpdateIDs: [Int64] { state.withLock { $0.updates.map(\.id) } }

    public func messages(to chatID: Int64) -> [SentMessage] { sentMessages.filter { $0.chatID == chatID } }

    /// How long a test waits for the bot by default: generous, because `swift test` runs the end-to-end
    /// suites side by side on a 2-core machine, each with its own codex; a bot that hangs still fails.
    public static let patience: Duration = .seconds(120)

    /// Waits until `condition` holds, re-checking on every change; fails after `timeout`.
    public func waitUntil(
        timeout: Duration = FakeTelegramServer.patience, _ what: @autoclosure () -> String = "condition",
        _ condition: @Sendable (FakeTelegramServer) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Read the version before the check, so a change between the two is never missed.
            let version = state.withLock { $0.version }
            if condition(self) { return }
            try Task.checkCancellation()
            guard ContinuousClock.now < deadline else {
                // `what` is read now, so a failure shows the messages as they are at the end of the wait.
                throw TestSupportError("timed out waiting for \(what()); last Bot API calls: \(calls.suffix(12))")
            }
            await waitForChange(since: version, until: deadline)
        }
    }

    /// Waits for the `count`-th message to a chat and returns the chat's messages.
    @discardableResult
    public func waitForMessages(to chatID: Int64, count: Int, timeout: Duration = FakeTelegramServer.patience) async throws -> [SentMessage]
    {
        try await waitUntil(timeout: timeout, "\(count) message(s) to chat \(chatID) (have: \(messages(to: chatID).map(\.text)))") {
            $0.messages(to: chatID).count >= count
        }
        return messages(to: chatID)
    }

    /// Waits for a message to a chat whose visible text satisfies `matching`, and returns it.
    @discardableResult
    public func waitForMessage(
        to chatID: Int64, timeout: Duration = FakeTelegramServer.patience, _ what: String,
        matching: @escaping @Sendable (String) -> Bool
    ) async throws -> SentMessage {
        let shown = { [self] in messages(to: chatID).map { currentText(of: $0.messageID) ?? $0.text } }
        try await waitUntil(timeout: timeout, "a message \(what) (have: \(shown()))") {
            $0.messages(to: chatID).contains { matching($0.text) }
        }
        return messages(to: chatID).last { matching($0.text) }!
    }

    // MARK: - Change notification

    func mutate<T>(_ body: (inout State) -> T) -> T {
        let (result, waiters) = state.withLock { state -> (T, [CheckedContinuation<Void, Never>]) in
            let result = body(&state)
            state.version += 1
            let waiters = state.changeWaiters
            state.changeWaiters = []
            return (result, waiters)
        }
        waiters.forEach { $0.resume() }
        return result
    }

    private func wakeAll() {
        let waiters = state.withLock { state in
            defer { state.changeWaiters = [] }
            return state.changeWaiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once the state has moved past `version`, or at `deadline`.
    private func waitForChange(since version: Int, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.version != version { return true }
                        state.changeWaiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
            }
            await group.next()
            group.cancelAll()
            // Whichever finished first (change, deadline or cancellation), release the other waiter too;
            // callers re-check their condition, so an extra wake-up is harmless.
            self.wakeAll()
        }
    }
}

private final class TelegramBox: @unchecked Sendable {
    var server: FakeTelegramServer?
}
