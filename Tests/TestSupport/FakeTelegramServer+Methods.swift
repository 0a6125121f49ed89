import Foundation
import Hummingbird
import NIOCore

/// The Bot API methods the fake answers.
extension FakeTelegramServer {
    /// Answers a call; a call of a method held with `holdAnswer` is handled at once (a message is sent)
    /// but answered only once the test releases it, like a reply lost in a slow network.
    func handle(bot: String, method: String, body: Data, contentType: String) async -> Response {
        let response = await answer(bot: bot, method: method, body: body, contentType: contentType)
        if let hold = mutate({ $0.heldAnswers.removeValue(forKey: method) }) {
            hold.arrived.fulfil(())
            await hold.release.wait()
        }
        return response
    }

    private func answer(bot: String, method: String, body: Data, contentType: String) async -> Response {
        mutate { state in
            state.calls.append(method)
            state.callTimes.append((method, .now))
        }
        guard bot == "bot\(token)" else {
            return Self.error(401, "Unauthorized")
        }
        let failure: Failure? = mutate { state in
            guard var queue = state.failures[method], !queue.isEmpty else { return nil }
            let first = queue.removeFirst()
            state.failures[method] = queue
            return first
        }
        switch failure {
        case .status(let code, let description, let retryAfter):
            return Self.error(code, description, retryAfter: retryAfter)
        case .htmlPage(let code):
            return Response(
                status: .init(code: code), headers: [.contentType: "text/html"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body><h1>\(code) Bad Gateway</h1></body></html>")))
        case nil:
            break
        }
        let parameters: [String: Any]
        if contentType.hasPrefix("multipart/form-data") {
            parameters = Self.multipartFields(body, contentType: contentType)
        } else {
            parameters = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
        }
        switch method {
        case "getMe":
            return Self.ok(["id": 999, "is_bot": true, "first_name": "Companion", "username": Self.botUsername])
        case "deleteWebhook", "setMyCommands", "sendChatAction", "deleteMessage":
            return Self.ok(true)
        case "getUpdates":
            return await getUpdates(parameters)
        case "sendMessage":
            return sendMessage(parameters)
        case "sendDocument":
            return sendDocument(parameters)
        case "editMessageText":
            return editMessageText(parameters)
        case "editMessageReplyMarkup":
            return editMessageReplyMarkup(parameters)
        case "answerCallbackQuery":
            return answerCallbackQuery(parameters)
        case "getFile":
            return getFile(parameters)
        default:
            return Self.error(404, "Not Found: method not found")
        }
    }

    private func getUpdates(_ parameters: [String: Any]) async -> Response {
        let offset = (parameters["offset"] as? NSNumber)?.int64Value
        let timeout = (parameters["timeout"] as? NSNumber)?.intValue ?? 0
        let limit = (parameters["limit"] as? NSNumber)?.intValue ?? 100
        if let allowed = parameters["allowed_updates"] as? [String] {
            mutate { $0.allowedUpdates.append(allowed) }
        }
        // An offset confirms (forgets) every earlier update, as on the real server.
        if let offset {
            mutate { $0.updates.removeAll { $0.id < offset } }
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let pending = state.withLock { $0.updates.prefix(limit).map(\.json) }
                .compactMap { try? JSONSerialization.jsonObject(with: $0) }
            let stopping = state.withLock { $0.stopping }
            if !pending.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled || stopping {
                return Self.ok(pending)
            }
            try? await waitUntil(timeout: deadline - ContinuousClock.now, "updates") { fake in
                fake.state.withLock { !$0.updates.isEmpty || $0.stopping }
            }
        }
    }

    private func sendMessage(_ parameters: [String: Any]) -> Response {
        guard let chatID = (parameters["chat_id"] as? NSNumber)?.int64Value ?? (parameters["chat_id"] as? String).flatMap(Int64.init) else {
            return reject("Bad Request: chat not found", code: 400)
        }
        let raw = parameters["text"] as? String ?? ""
        let parseMode = parameters["parse_mode"] as? String
        var visible = raw
        if parseMode == "HTML" {
            let result = TelegramHTMLValidator.validate(raw)
            if let error = result.error { return reject(error, code: 400) }
            visible = result.visible
        }
        if visible.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return reject("Bad Request: message text is empty", code: 400)
        }
        if visible.unicodeScalars.count > 4096 {
            return reject("Bad Request: message is too long", code: 400)
        }
        let buttons: [[Button]]
        switch Self.inlineKeyboard(parameters["reply_markup"]) {
        case .success(let keyboard): buttons = keyboard
        case .failure(let rejection): return reject(rejection.description, code: 400)
        }
        let replyTo = ((parameters["reply_parameters"] as? [String: Any])?["message_id"] as? NSNumber)?.int64Value
        let message = mutate { state -> SentMessage in
            let message = SentMessage(
                messageID: state.nextMessageID, chatID: chatID, text: visible, raw: raw, parseMode: parseMode, buttons: buttons,
                replyTo: replyTo)
            state.nextMessageID += 1
            state.sent.append(message)
            if !buttons.isEmpty { state.buttons[message.messageID] = buttons }
            return message
        }
        return Self.ok([
            "message_id": Int(message.messageID), "date": Int(Date().timeIntervalSince1970),
            "chat": ["id": Int(chatID), "type": "private"], "text": visible,
        ])
    }

    private func editMessageText(_ parameters: [String: Any]) -> Response {
        guard let chatID = (parameters["chat_id"] as? NSNumber)?.int64Value,
            let messageID = (parameters["message_id"] as? NSNumber)?.int64Value
        else {
            return reject("Bad Request: message to edit not found", code: 400)
        }
        let raw = parameters["text"] as? String ?? ""
        var visible = raw
        if parameters["parse_mode"] as? String == "HTML" {
            let result = TelegramHTMLValidator.validate(raw)
            if let error = result.error { return reject(error, code: 400) }
            visible = result.visible
        }
        if visible.unicodeScalars.count > 4096 { return reject("Bad Request: message is too long", code: 400) }
        // Without reply_markup the edit removes the message's buttons, as on the real server.
        let buttons: [[Button]]
        switch Self.inlineKeyboard(parameters["reply_markup"]) {
        case .success(let keyboard): buttons = keyboard
        case .failure(let rejection): return reject(rejection.description, code: 400)
        }
        guard let current = currentText(of: messageID), sentMessages.contains(where: { $0.messageID == messageID && $0.chatID == chatID })
        else {
            return reject("Bad Request: message to edit not found", code: 400)
        }
        if current == visible && self.buttons(of: messageID) == buttons {
            return Self.notModified()
        }
        mutate { state in
            state.edits.append(Edit(messageID: messageID, chatID: chatID, text: visible, at: .now))
            state.buttons[messageID] = buttons.isEmpty ? nil : buttons
        }
        return Self.ok([
            "message_id": Int(messageID), "date": Int(Date().timeIntervalSince1970),
            "chat": ["id": Int(chatID), "type": "private"], "text": visible,
        ])
    }

    /// Changes or (without reply_markup) removes a message's buttons, keeping its text.
    private func editMessageReplyMarkup(_ parameters: [String: Any]) -> Response {
        guard let chatID = (parameters["chat_id"] as? NSNumber)?.int64Value,
            let messageID = (parameters["message_id"] as? NSNumber)?.int64Value,
            let current = currentText(of: messageID),
            sentMessages.contains(where: { $0.messageID == messageID && $0.chatID == chatID })
        else {
            return reject("Bad Request: message to edit not found", code: 400)
        }
        let buttons: [[Button]]
        switch Self.inlineKeyboard(parameters["reply_markup"]) {
        case .success(let keyboard): buttons = keyboard
        case .failure(let rejection): return reject(rejection.description, code: 400)
        }
        if self.buttons(of: messageID) == buttons { return Self.notModified() }
        mutate { $0.buttons[messageID] = buttons.isEmpty ? nil : buttons }
        return Self.ok([
            "message_id": Int(messageID), "date": Int(Date().timeIntervalSince1970),
            "chat": ["id": Int(chatID), "type": "private"], "text": current,
        ])
    }

    /// Accepts one answer per injected query; a second answer, or one to a query the fake never sent, is
    /// refused as Telegram refuses a late one.
    private func answerCallbackQuery(_ parameters: [String: Any]) -> Response {
        let queryID = parameters["callback_query_id"] as? String ?? ""
        let text = parameters["text"] as? String
        let accepted = mutate { state -> Bool in
            guard state.openQueries.remove(queryID) != nil else { return false }
            state.tapAnswers.append(TapAnswer(queryID: queryID, text: text))
            return true
        }
        guard accepted else {
            return Self.error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        }
        return Self.ok(true)
    }

    private func sendDocument(_ parameters: [String: Any]) -> Response {
        guard let chatID = (parameters["chat_id"] as? String).flatMap(Int64.init),
            let file = parameters["document"] as? (String, Data)
        else {
            return reject("Bad Request: there is no document in the request", code: 400)
        }
        mutate {
            $0.documents.append(
                SentDocument(
                    chatID: chatID, fileName: file.0, contents: file.1,
                    caption: parameters["caption"] as? String ?? ""))
        }
        return Self.ok(["message_id": 1, "date": Int(Date().timeIntervalSince1970), "chat": ["id": Int(chatID), "type": "private"]])
    }

    private func reject(_ description: String, code: Int) -> Response {
        mutate { $0.rejectedSends += 1 }
        return Self.error(code, description)
    }

    static func notModified() -> Response {
        error(
            400,
            "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
        )
    }

    /// Why Telegram refuses a request, in its words.
    struct Rejection: Error, CustomStringConvertible {
        var description: String
    }

    /// The buttons of a `reply_markup` (an object, or a JSON string as in multipart requests), checked as
    /// Telegram checks them: every button has a title and `callback_data` of 1 to 64 bytes. No markup, or
    /// an empty keyboard, is no buttons.
    static func inlineKeyboard(_ markup: Any?) -> Result<[[Button]], Rejection> {
        var markup = markup
        if let text = markup as? String {
            markup = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        }
        func refuse(_ reason: String) -> Result<[[Button]], Rejection> {
            .failure(Rejection(description: "Bad Request: \(reason)"))
        }
        guard let markup else { return .success([]) }
        guard let object = markup as? [String: Any], let rows = object["inline_keyboard"] as? [Any] else {
            return refuse("can't parse reply keyboard markup JSON object")
        }
        var keyboard: [[Button]] = []
        for row in rows {
            guard let row = row as? [Any] else { return refuse("field \"inline_keyboard\" must be an Array of Arrays") }
            var buttons: [Button] = []
            for element in row {
                guard let button = element as? [String: Any], let text = button["text"] as? String else {
                    return refuse("can't parse inline keyboard button: Field \"text\" must be a String")
                }
                guard let data = button["callback_data"] as? String else {
                    return refuse("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
                }
                if text.isEmpty { return refuse("BUTTON_TEXT_INVALID") }
                if !(1...64).contains(data.utf8.count) { return refuse("BUTTON_DATA_INVALID") }
                buttons.append(Button(text: text, data: data))
            }
            if !buttons.isEmpty { keyboard.append(buttons) }
        }
        return .success(keyboard)
    }

    static func ok(_ result: Any) -> Response {
        json(["ok": true, "result": result], status: 200)
    }

    static func error(_ code: Int, _ description: String, retryAfter: Int? = nil) -> Response {
        var object: [String: Any] = ["ok": false, "error_code": code, "description": description]
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter {
            object["parameters"] = ["retry_after": retryAfter]
            headers[.retryAfter] = "\(retryAfter)"
        }
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .init(code: code), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    static func json(_ object: Any, status: Int) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    /// Text fields as strings; the file part as (filename, bytes).
    static func multipartFields(_ body: Data, contentType: String) -> [String: Any] {
        guard let boundaryRange = contentType.range(of: "boundary=") else { return [:] }
        let boundary = Data(("--" + contentType[boundaryRange.upperBound...]).utf8)
        var fields: [String: Any] = [:]
        var parts: [Data] = []
        var searchStart = body.startIndex
        while let range = body.range(of: boundary, in: searchStart..<body.endIndex) {
            if searchStart != body.startIndex { parts.append(body[searchStart..<range.lowerBound]) }
            searchStart = range.upperBound
        }
        for part in parts {
            guard let split = part.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            var content = part[split.upperBound...]
            if content.suffix(2) == Data("\r\n".utf8) { content = content.dropLast(2) }
            guard let name = headers.firstMatch(of: /name="([^"]*)"/)?.1 else { continue }
            if let fileName = headers.firstMatch(of: /filename="([^"]*)"/)?.1 {
                fields[String(name)] = (String(fileName), Data(content))
            } else {
                fields[String(name)] = String(decoding: content, as: UTF8.self)
            }
        }
        return fields
    }
}
