import Foundation
import TelegramAdapter
import TestSupport
import Testing

@Suite struct BotAPIClientTests {
    @Test func tokensAreRedactedFromAnyText() {
        let redactor = TokenRedactor(token: "123456:ABC-secret_token")
        #expect(
            redactor.redact("POST https://api.telegram.org/bot123456:ABC-secret_token/getMe failed")
                == "POST https://api.telegram.org/bot<redacted>/getMe failed")
        #expect(redactor.redact("other bot987654:XYZ_other-token-1 here") == "other bot<redacted> here")
    }

    @Test func errorsCarryCodeDescriptionAndRetryAfterButNeverTheToken() async throws {
        try await withFakeTelegram { fake in
            let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
            fake.fail("sendMessage", with: .status(429, description: "Too Many Requests: retry after 7", retryAfter: 7))
            await #expect(throws: TelegramAPIError.api(code: 429, description: "Too Many Requests: retry after 7", retryAfter: 7)) {
                _ = try await client.sendMessage(SendMessageRequest(chatID: 1, text: "x"))
            }
            fake.fail("getMe", with: .htmlPage(502))
            do {
                _ = try await client.getMe()
                Issue.record("expected a transport error")
            } catch let error as TelegramAPIError {
                #expect(error.isTransient)
                #expect(error.description.contains("non-JSON"))
            }
            let wrong = BotAPIClient(baseURL: fake.baseURL, token: "42:WRONG_token-abcdefgh")
            do {
                _ = try await wrong.getMe()
                Issue.record("expected 401")
            } catch let error as TelegramAPIError {
                #expect(error.isBadToken)
                #expect(!error.description.contains("WRONG_token"))
            }
            let unreachable = BotAPIClient(baseURL: "http://127.0.0.1:1", token: fake.token)
            do {
                _ = try await unreachable.getMe(timeout: .seconds(2))
                Issue.record("expected a network error")
            } catch let error as TelegramAPIError {
                #expect(error.isTransient)
                #expect(!error.description.contains(fake.token))
            }
        }
    }

    @Test func theFakeRejectsWhatTelegramRejects() async throws {
        try await withFakeTelegram { fake in
            let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
            await #expect(throws: TelegramAPIError.self) {
                _ = try await client.sendMessage(SendMessageRequest(chatID: 1, text: "<div>x</div>", parseMode: .html))
            }
            await #expect(throws: TelegramAPIError.api(code: 400, description: "Bad Request: message is too long", retryAfter: nil)) {
                _ = try await client.sendMessage(SendMessageRequest(chatID: 1, text: String(repeating: "é", count: 4097)))
            }
            _ = try await client.sendMessage(SendMessageRequest(chatID: 1, text: String(repeating: "é", count: 4096)))
            let sent = try await client.sendMessage(SendMessageRequest(chatID: 1, text: "<b>a &amp; b</b>", parseMode: .html))
            #expect(fake.messages(to: 1).last?.text == "a & b")
            #expect(fake.messages(to: 1).last?.messageID == sent.messageID)
            #expect(fake.rejectedSends == 2)
        }
    }

    @Test func requestsUseTheBotAPIFieldNamesAndLeaveOutWhatIsNotSet() throws {
        func json(_ request: some Encodable) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(request), as: UTF8.self)
        }
        #expect(
            try json(
                SendMessageRequest(
                    chatID: 5, text: "<b>hi</b>", parseMode: .html, linkPreviewOptions: .disabled,
                    disableNotification: true))
                == #"{"chat_id":5,"disable_notification":true,"link_preview_options":{"is_disabled":true},"parse_mode":"HTML","text":"<b>hi</b>"}"#
        )
        #expect(try json(SendMessageRequest(chatID: 5, text: "plain")) == #"{"chat_id":5,"text":"plain"}"#)
        #expect(
            try json(EditMessageTextRequest(chatID: 5, messageID: 9, text: "x", parseMode: .html))
                == #"{"chat_id":5,"message_id":9,"parse_mode":"HTML","text":"x"}"#)
        #expect(
            try json(GetUpdatesRequest(offset: 101, limit: 100, timeout: 50, allowedUpdates: [.message, .editedMessage]))
                == #"{"allowed_updates":["message","edited_message"],"limit":100,"offset":101,"timeout":50}"#)
        #expect(try json(GetUpdatesRequest(timeout: 0)) == #"{"timeout":0}"#)
        #expect(try json(SendChatActionRequest(chatID: 5, action: .typing)) == #"{"action":"typing","chat_id":5}"#)
        #expect(try json(DeleteWebhookRequest()) == #"{"drop_pending_updates":false}"#)
        #expect(
            try json(SetMyCommandsRequest(commands: [.init(command: "help", description: "How")]))
                == #"{"commands":[{"command":"help","description":"How"}]}"#)
        #expect(try json(NoParameters()) == "{}")
    }

    @Test func getUpdatesGivesEachUpdateWithItsIDAndItsJSON() async throws {
        try await withFakeTelegram { fake in
            let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
            #expect(try await client.getUpdates(GetUpdatesRequest(timeout: 0), timeout: .seconds(60)).isEmpty)
            let tricky = "] }, { \"quoted\" \\ [é ✓"
            let first = fake.sendMessage(from: 7, text: tricky)
            let second = fake.sendMessage(from: 7, text: "second", edited: true)
            let updates = try await client.getUpdates(GetUpdatesRequest(allowedUpdates: [.message, .editedMessage]), timeout: .seconds(60))
            #expect(updates.map(\.updateID) == [first, second])
            let payloads = try updates.map { try #require(try JSONSerialization.jsonObject(with: $0.payload) as? [String: Any]) }
            #expect((payloads[0]["message"] as? [String: Any])?["text"] as? String == tricky)
            #expect((payloads[1]["edited_message"] as? [String: Any])?["text"] as? String == "second")
            #expect(fake.allowedUpdates.last == ["message", "edited_message"])
            // An offset confirms the updates before it.
            #expect(try await client.getUpdates(GetUpdatesRequest(offset: second + 1, timeout: 0), timeout: .seconds(60)).isEmpty)
            #expect(fake.unconfirmedUpdateIDs.isEmpty)
        }
    }

    @Test func typedResultsDecodeAndAnUnexpectedShapeIsItsOwnError() async throws {
        try await withFakeTelegram { fake in
            let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
            #expect(try await client.getMe().username == FakeTelegramServer.botUsername)
            try await client.deleteWebhook()
            try await client.setMyCommands(SetMyCommandsRequest(commands: [.init(command: "help", description: "How")]))
            try await client.sendChatAction(SendChatActionRequest(chatID: 1, action: .typing))
            let sent = try await client.sendMessage(SendMessageRequest(chatID: 1, text: "first"))
            let edited = try await client.editMessageText(EditMessageTextRequest(chatID: 1, messageID: sent.messageID, text: "second"))
            #expect(edited.messageID == sent.messageID)
            #expect(fake.currentText(of: sent.messageID) == "second")
            try await client.sendDocument(SendDocumentRequest(chatID: 1, caption: "the file", fileName: "a.md", contents: Data("# A".utf8)))
            #expect(fake.documents.map(\.caption) == ["the file"])
            #expect(fake.documents.map(\.contents) == [Data("# A".utf8)])
            // deleteWebhook answers `true`, not a message: the call took effect, so it is no transport error to retry.
            do {
                _ = try await client.call(.deleteWebhook, DeleteWebhookRequest(), returning: SentMessage.self)
                Issue.record("expected an unexpected result")
            } catch let error as TelegramAPIError {
                guard case .unexpectedResult = error else {
                    Issue.record("expected unexpectedResult, got \(error)")
                    return
                }
                #expect(!error.isTransient)
            }
        }
    }
}
