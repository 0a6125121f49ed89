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
    /// Per chat: no request before this instant (set by a 429's retry_after).
    private var notBefore: [Int64: ContinuousClock.Instant] = [:]

    public init(
        client: BotAPIClient, logger: Logger = Logger(label: "companion.telegram.send"),
        splitter: MessageSplitter = MessageSplitter(), deliveryDeadline: Duration = .seconds(600),
        backoffInitial: Duration = .seconds(1)
    ) {
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

    public func post(
        chatID: Int64, message: RenderedMessage, silent: Bool, buttons: [[ChatButton]], replyTo: Int64?
    ) async -> Int64? {
        let request = SendMessageRequest(
            chatID: chatID, text: message.html, parseMode: .html, linkPreviewOptions: .disabled,
            disableNotification: silent, replyMarkup: keyboard(buttons, chatID: chatID),
            replyParameters: replyTo.map { ReplyParameters(messageID: $0) })
        do {
            return try await deliver(request).messageID
        } catch let error where error.isEntityParseError {
            // Our HTML should always parse: a rejection is a defect in the renderer. The plain text is the last
            // resort, so the user still gets every word, under the same buttons and quoting the same message.
            logger.error(
                "DEFECT: Telegram rejected our HTML; resending as plain text (please report)",
                metadata: ["chat": "\(chatID)", "error": "\(error)", "html_prefix": "\(message.html.prefix(300))"])
            var plain = request
            plain.text = message.plain
            plain.parseMode = nil
            return try? await deliver(plain).messageID
        } catch {
            logger.error("message not delivered", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            return nil
        }
    }

    /// Edits at once: the presenter's edit throttle spaces edits out. While the chat's 429 pause lasts
    /// nothing is sent, and the answer says how long is left.
    @discardableResult
    public func edit(chatID: Int64, messageID: Int64, message: RenderedMessage) async -> EditOutcome {
        if let until = notBefore[chatID], until > .now { return .rateLimited(retryAfter: until - .now) }
        // A superseded progress update (its task was cancelled) must not land after the final state.
        if Task.isCancelled { return .failed }
        var request = EditMessageTextRequest(
            chatID: chatID, messageID: messageID, text: message.html, parseMode: .html,
            linkPreviewOptions: .disabled)
        for attempt in 0..<2 {
            do {
                try await client.editMessageText(request)
                return .shown
            } catch {
                if error.isMessageNotModified { return .shown }
                // An edit is never retried, not even after a 5xx: the caller's next edit carries a newer state.
                if noteRateLimit(error, chatID: chatID), let until = notBefore[chatID] {
                    return .rateLimited(retryAfter: until - .now)
                }
                guard attempt == 0, error.isEntityParseError else {
                    logger.debug("edit failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
                    return .failed
                }
                logger.error(
                    "DEFECT: Telegram rejected our HTML in an edit; sending it as plain text (please report)",
                    metadata: ["chat": "\(chatID)", "error": "\(error)"])
                request.text = message.plain
                request.parseMode = nil
            }
        }
        return .failed
    }

    /// One attempt, at once: the user is looking at the spinner, and a late answer is refused anyway.
    public func answerTap(id: String, text: String?) async {
        let request = AnswerCallbackQueryRequest(
            callbackQueryID: id, text: text.map { String(String.UnicodeScalarView($0.unicodeScalars.prefix(Self.tapTextLimit))) })
        do {
            try await client.answerCallbackQuery(request)
        } catch let error where error.isStaleCallbackQuery {
            logger.debug("tap answered too late", metadata: ["query": "\(id)", "error": "\(error)"])
        } catch {
            logger.warning("answering a tap failed", metadata: ["query": "\(id)", "error": "\(error)"])
        }
    }

    /// The most characters Telegram shows in a tap's answer.
    static let tapTextLimit = 200

    /// The buttons as an inline keyboard, without the ones Telegram would refuse (and with them the whole
    /// message): a button's data is made by the companion, so an invalid one is a defect, logged. Nil when
    /// no button is left.
    private func keyboard(_ buttons: [[ChatButton]], chatID: Int64) -> InlineKeyboardMarkup? {
        let rows = buttons.map { row in
            row.compactMap { button -> InlineKeyboardMarkup.Button? in
                let candidate = InlineKeyboardMarkup.Button(text: button.title, callbackData: button.data)
                guard candidate.isValid else {
                    logger.error(
                        "DEFECT: a button Telegram would refuse (empty title, or data not 1 to 64 bytes); leaving it out (please report)",
                        metadata: [
                            "chat": "\(chatID)", "title": "\(button.title)", "data_bytes": "\(button.data.utf8.count)",
                            "data_prefix": "\(button.data.prefix(80))",
                        ])
                    return nil
                }
                return candidate
            }
        }.filter { !$0.isEmpty }
        return rows.isEmpty ? nil : InlineKeyboardMarkup(inlineKeyboard: rows)
    }

    public func sendTyping(chatID: Int64) async {
        // Best effort and never worth a wait: skip while the chat is rate limited.
        if let until = notBefore[chatID], until > .now { return }
        logger.trace("typing", metadata: ["chat": "\(chatID)"])
        do {
            try await client.sendChatAction(SendChatActionRequest(chatID: chatID, action: .typing))
        } catch {
            noteRateLimit(error, chatID: chatID)
            logger.debug("typing indicator failed", metadata: ["chat": "\(chatID)", "error": "\(error)"])
        }
    }

    @discardableResult
    public func sendDocument(chatID: Int64, fileName: String, contents: Data, caption: String) async -> Bool {
        let client = self.client
        let request = SendDocumentRequest(chatID: chatID, caption: String(caption.prefix(1000)), fileName: fileName, contents: contents)
        do {
            _ = try await deliver(chatID: chatID) { () async throws(TelegramAPIError) -> SentMessage in
                try await client.sendDocument(request)
            }
            return true
        } catch {
            logger.error("document not delivered", metadata: ["chat": "\(chatID)", "error": "\(error)"])
            return false
        }
    }

    /// Sends one message until it arrives, the error is permanent, or the deadline passes.
    private func deliver(_ request: SendMessageRequest) async throws(TelegramAPIError) -> SentMessage {
        let client = self.client
        logger.trace("calling Telegram", metadata: ["method": "sendMessage", "chat": "\(request.chatID)"])
        return try await deliver(chatID: request.chatID) { () async throws(TelegramAPIError) -> SentMessage in
            try await client.sendMessage(request)
        }
    }

    /// Runs `request` until it succeeds, the error is permanent, or the deadline passes, waiting out
    /// the chat's rate limit before each attempt.
    private func deliver<Result: Sendable>(
        chatID: Int64, _ request: @escaping @Sendable () async throws(TelegramAPIError) -> Result
    )
        async throws(TelegramAPIError) -> Result
    {
        let deadline = ContinuousClock.now + deliveryDeadline
        var backoff = Backoff(initial: backoffInitial)
        while true {
            await waitForChat(chatID)
            // No new attempt once cancelled (a shutdown out of time): what was not sent is sent by the next
            // start. But an attempt under way is not cut: Telegram may already have the message, and a cut
            // attempt counts as not delivered, so the next start would send it a second time.
            guard !Task.isCancelled else { throw TelegramAPIError.transport("not sent: the companion is stopping") }
            let attempt = Task { () async -> Swift.Result<Result, TelegramAPIError> in
                do throws(TelegramAPIError) {
                    return .success(try await request())
                } catch {
                    return .failure(error)
                }
            }
            switch await attempt.value {
            case .success(let result):
                return result
            case .failure(let error):
                guard !Task.isCancelled, await shouldRetry(error, chatID: chatID, backoff: &backoff, deadline: deadline) else {
                    throw error
                }
            }
        }
    }

    /// Decides about one failure with `TelegramRetryPolicy`, within the delivery deadline: a 429 pauses
    /// the chat (the next attempt waits for it, while other chats go on), trouble sleeps a backoff step.
    private func shouldRetry(
        _ error: TelegramAPIError, chatID: Int64, backoff: inout Backoff,
        deadline: ContinuousClock.Instant
    ) async -> Bool {
        switch TelegramRetryPolicy.decision(after: error, backoff: &backoff) {
        case .rateLimited(let pause):
            logger.warning("rate limited by Telegram", metadata: ["chat": "\(chatID)", "retry_after": "\(pause)"])
            noteRateLimit(error, chatID: chatID)
            return ContinuousClock.now + pause < deadline
        case .backOff(let pause):
            guard ContinuousClock.now + pause < deadline else { return false }
            logger.warning("Telegram trouble, retrying", metadata: ["chat": "\(chatID)", "error": "\(error)", "pause": "\(pause)"])
            try? await Task.sleep(for: pause)
            return !Task.isCancelled
        case .badToken, .giveUp:
            return false
        }
    }

    /// Records a 429's pause for the chat: no request goes to it before `retry_after` has passed.
    /// Returns whether `error` was a 429.
    @discardableResult
    private func noteRateLimit(_ error: TelegramAPIError, chatID: Int64) -> Bool {
        guard let seconds = error.retryAfter else { return false }
        notBefore[chatID] = .now + .seconds(seconds)
        return true
    }

    private func waitForChat(_ chatID: Int64) async {
        while let until = notBefore[chatID], until > .now {
            try? await Task.sleep(until: until, clock: .continuous)
            if Task.isCancelled { return }
        }
    }
}
