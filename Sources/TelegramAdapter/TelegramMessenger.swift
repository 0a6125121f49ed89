import CompanionCore
import Foundation
import Logging

/// Delivers replies through the Bot API so that they always arrive: splits long text, renders safe HTML
/// with a plain-text fallback, waits out 429s per chat (other chats keep going), and retries 5xx and
/// network errors with backoff until `deliveryDeadline`.
public actor TelegramMessenger: ChatMessaging {
    private let client: BotAPIClient
    private let logger: Logger
    private let splitter: MessageSplitter
    private let deliveryDeadline: Duration
    private let backoffInitial: Duration
    private let editInterval: Duration
    /// Per chat: no request before this instant (set by a 429's retry_after).
    private var notBefore: [Int64: ContinuousClock.Instant] = [:]
    /// Per chat: when the last edit went out, to keep edits at least `editInterval` apart.
    private var lastEdit: [Int64: ContinuousClock.Instant] = [:]

    public init(client: BotAPIClient, logger: Logger = Logger(label: "companion.telegram.send"),
                splitter: MessageSplitter = MessageSplitter(), deliveryDeadline: Duration = .seconds(600),
                backoffInitial: Duration = .seconds(1), editInterval: Duration = .milliseconds(1500)) {
        self.editInterval = editInterval
        self.client = client
        self.logger = logger
        self.splitter = splitter
        self.deliveryDeadline = deliveryDeadline
        self.backoffInitial = backoffInitial
    }

    @discardableResult
    public func send(chatID: Int64, text: String, style: MessageStyle) async -> Bool {
        var delivered = true
        for (index, chunk) in splitter.split(text).enumerated() {
            let html = TelegramHTML.render(chunk, boldFirstLine: style == .result && index == 0)
            delivered = await post(chatID: chatID, message: RenderedMessage(html: html, plain: chunk), silent: false) != nil && delivered
        }
        return delivered
    }

    public func post(chatID: Int64, message: RenderedMessage, silent: Bool) async -> Int64? {
        var parameters: [String: Any] = [
            "chat_id": chatID, "text": message.html, "parse_mode": "HTML", "link_preview_options": ["is_disabled": true],
            "disable_notification": silent,
        ]
        do {
            return Self.messageID(try await deliver("sendMessage", chatID: chatID, parameters))
        } catch let error where error.isEntityParseError {
            // Our HTML should always parse: a rejection is a defect in the renderer. The plain text is the last
            // resort, so the user still gets every word.
            logger.error("DEFECT: Telegram rejected our HTML; resending as plain text (please report)",
                         metadata: ["chat": "\(chatID)", "error": "\(error)", "html_prefix": "\(message.html.prefix(300))"])
            parameters["text"] = message.plain
            parameters["parse_mode"] = nil
            return (try? await deliver("sendMessage", chatID: chatID, parameters)).flatMap(Self.messageID)
        } catch {
            logger.error("message not delivered", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            return nil
        }
    }

    @discardableResult
    public func edit(chatID: Int64, messageID: Int64, message: RenderedMessage) async -> Bool {
        if let until = notBefore[chatID], until > .now { return false }
        if let last = lastEdit[chatID], ContinuousClock.now < last + editInterval {
            try? await Task.sleep(until: last + editInterval, clock: .continuous)
        }
        // A superseded progress update (its task was cancelled) must not land after the final state.
        if Task.isCancelled { return false }
        lastEdit[chatID] = .now
        var parameters: [String: Any] = [
            "chat_id": chatID, "message_id": messageID, "text": message.html, "parse_mode": "HTML",
            "link_preview_options": ["is_disabled": true],
        ]
        for attempt in 0..<2 {
            do {
                _ = try await client.call("editMessageText", json: BotAPIClient.encode(parameters))
                return true
            } catch {
                if case .api(400, let description, _) = error, description.contains("message is not modified") { return true }
                if let seconds = error.retryAfter {
                    notBefore[chatID] = .now + .seconds(seconds)
                    return false
                }
                guard attempt == 0, error.isEntityParseError else {
                    logger.debug("edit failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
                    return false
                }
                logger.error("DEFECT: Telegram rejected our HTML in an edit; sending it as plain text (please report)",
                             metadata: ["chat": "\(chatID)", "error": "\(error)"])
                parameters["text"] = message.plain
                parameters["parse_mode"] = nil
            }
        }
        return false
    }

    private static func messageID(_ result: Any) -> Int64? {
        ((result as? [String: Any])?["message_id"] as? NSNumber)?.int64Value
    }

    public func sendTyping(chatID: Int64) async {
        // Best effort and never worth a wait: skip while the chat is rate limited.
        if let until = notBefore[chatID], until > .now { return }
        logger.trace("typing", metadata: ["chat": "\(chatID)"])
        do {
            _ = try await client.call("sendChatAction", ["chat_id": chatID, "action": "typing"], timeout: .seconds(10))
        } catch {
            if let seconds = error.retryAfter { notBefore[chatID] = .now + .seconds(seconds) }
            logger.debug("typing indicator failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
        }
    }

    @discardableResult
    public func sendDocument(chatID: Int64, fileName: String, contents: Data, caption: String) async -> Bool {
        let client = self.client
        let fields = ["chat_id": "\(chatID)", "caption": String(caption.prefix(1000))]
        do {
            _ = try await deliver(chatID: chatID) { () async throws(TelegramAPIError) -> Any in
                try await client.upload("sendDocument", fields: fields, fileField: "document", fileName: fileName, contents: contents)
            }
            return true
        } catch {
            logger.error("document not delivered", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            return false
        }
    }

    /// Calls `method` with a JSON body until it succeeds, the error is permanent, or the deadline passes.
    private func deliver(_ method: String, chatID: Int64, _ parameters: [String: Any]) async throws(TelegramAPIError) -> Any {
        let body = BotAPIClient.encode(parameters)
        let client = self.client
        logger.trace("calling Telegram", metadata: ["method": "\(method)", "chat": "\(chatID)"])
        return try await deliver(chatID: chatID) { () async throws(TelegramAPIError) -> Any in
            try await client.call(method, json: body)
        }
    }

    /// Runs `request` until it succeeds, the error is permanent, or the deadline passes, waiting out
    /// the chat's rate limit before each attempt.
    private func deliver(chatID: Int64, _ request: @Sendable () async throws(TelegramAPIError) -> Any) async throws(TelegramAPIError) -> Any {
        let deadline = ContinuousClock.now + deliveryDeadline
        var backoff = Backoff(initial: backoffInitial)
        while true {
            await waitForChat(chatID)
            do {
                return try await request()
            } catch {
                guard await shouldRetry(error, chatID: chatID, backoff: &backoff, deadline: deadline) else { throw error }
            }
        }
    }

    /// Decides about one failure: records a 429's pause for the chat, or sleeps a backoff step.
    private func shouldRetry(_ error: TelegramAPIError, chatID: Int64, backoff: inout Backoff,
                             deadline: ContinuousClock.Instant) async -> Bool {
        if let seconds = error.retryAfter {
            logger.warning("rate limited by Telegram", metadata: ["chat": "\(chatID)", "retry_after": "\(seconds)"])
            notBefore[chatID] = .now + .seconds(seconds)
            return ContinuousClock.now + .seconds(seconds) < deadline
        }
        guard error.isTransient else { return false }
        let pause = backoff.next()
        guard ContinuousClock.now + pause < deadline else { return false }
        logger.warning("Telegram trouble, retrying", metadata: ["chat": "\(chatID)", "error": "\(error)", "pause": "\(pause)"])
        try? await Task.sleep(for: pause)
        return !Task.isCancelled
    }

    private func waitForChat(_ chatID: Int64) async {
        while let until = notBefore[chatID], until > .now {
            try? await Task.sleep(until: until, clock: .continuous)
            if Task.isCancelled { return }
        }
    }
}
