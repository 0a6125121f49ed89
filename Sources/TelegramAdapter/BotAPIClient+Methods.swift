import Foundation

/// The Bot API methods the companion calls, each with its request and result type.
extension BotAPIClient {
    /// The bot itself; the token check (401 when it is wrong).
    public func getMe(timeout: Duration = .seconds(30)) async throws(TelegramAPIError) -> BotUser {
        try await call(.getMe, NoParameters(), timeout: timeout)
    }

    /// The updates after `request.offset`, each with its JSON as Telegram sent it. `timeout` must
    /// exceed the long poll's, or every quiet poll ends as a transport error.
    public func getUpdates(_ request: GetUpdatesRequest, timeout: Duration) async throws(TelegramAPIError) -> [ReceivedUpdate] {
        let answer = try await post(.getUpdates, json: request, timeout: timeout)
        // Checks the envelope (errors, the result is an array) without decoding the updates twice.
        let count = try decodeResult([IgnoredJSON].self, of: .getUpdates, from: answer).count
        let bytes = [UInt8](answer.body)
        guard let elements = RawJSONArray.elements(under: "result", in: bytes), elements.count == count else {
            throw .unexpectedResult("getUpdates: the result's elements could not be located")
        }
        // Telegram gives every update an id; one without is skipped, as nothing could acknowledge it.
        return elements.compactMap { range in
            let payload = Data(bytes[range])
            guard let header = try? JSONDecoder().decode(UpdateHeader.self, from: payload) else { return nil }
            return ReceivedUpdate(updateID: header.updateID, payload: payload)
        }
    }

    @discardableResult
    public func sendMessage(_ request: SendMessageRequest, timeout: Duration = .seconds(30)) async throws(TelegramAPIError) -> SentMessage {
        try await call(.sendMessage, request, timeout: timeout)
    }

    @discardableResult
    public func editMessageText(
        _ request: EditMessageTextRequest, timeout: Duration = .seconds(30)
    ) async throws(TelegramAPIError) -> SentMessage {
        try await call(.editMessageText, request, timeout: timeout)
    }

    public func sendChatAction(_ request: SendChatActionRequest, timeout: Duration = .seconds(10)) async throws(TelegramAPIError) {
        _ = try await call(.sendChatAction, request, returning: Bool.self, timeout: timeout)
    }

    /// Uploads as multipart/form-data; the longer default timeout leaves room for the file.
    @discardableResult
    public func sendDocument(
        _ request: SendDocumentRequest, timeout: Duration = .seconds(120)
    ) async throws(TelegramAPIError) -> SentMessage {
        try await upload(
            .sendDocument, fields: request.formFields, fileField: SendDocumentRequest.fileField,
            fileName: request.fileName, contents: request.contents, timeout: timeout)
    }

    public func deleteWebhook(
        _ request: DeleteWebhookRequest = DeleteWebhookRequest(), timeout: Duration = .seconds(30)
    ) async throws(TelegramAPIError) {
        _ = try await call(.deleteWebhook, request, returning: Bool.self, timeout: timeout)
    }

    public func setMyCommands(_ request: SetMyCommandsRequest, timeout: Duration = .seconds(30)) async throws(TelegramAPIError) {
        _ = try await call(.setMyCommands, request, returning: Bool.self, timeout: timeout)
    }

    /// Where to download a file a user sent, and its size. Telegram refuses files over 20 MB with 400
    /// "Bad Request: file is too big".
    public func getFile(_ request: GetFileRequest, timeout: Duration = .seconds(30)) async throws(TelegramAPIError) -> TelegramFile {
        let answer = try await post(.getFile, json: request, timeout: timeout)
        return try decodeResult(TelegramFile.self, of: .getFile, from: answer)
    }

    /// Answers a button tap. Telegram refuses a second answer to a query, or one that comes too late.
    public func answerCallbackQuery(
        _ request: AnswerCallbackQueryRequest, timeout: Duration = .seconds(10)
    ) async throws(TelegramAPIError) {
        _ = try await call(.answerCallbackQuery, request, returning: Bool.self, timeout: timeout)
    }
}
