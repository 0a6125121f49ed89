import Foundation
import TelegramAdapter
import Testing
import TestSupport

@Suite struct BotAPIClientTests {
    @Test func tokensAreRedactedFromAnyText() {
        let redactor = TokenRedactor(token: "123456:ABC-secret_token")
        #expect(redactor.redact("POST https://api.telegram.org/bot123456:ABC-secret_token/getMe failed") ==
                "POST https://api.telegram.org/bot<redacted>/getMe failed")
        #expect(redactor.redact("other bot987654:XYZ_other-token-1 here") == "other bot<redacted> here")
    }

    @Test func errorsCarryCodeDescriptionAndRetryAfterButNeverTheToken() async throws {
        try await withFakeTelegram { fake in
        let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
        fake.fail("sendMessage", with: .status(429, description: "Too Many Requests: retry after 7", retryAfter: 7))
        await #expect(throws: TelegramAPIError.api(code: 429, description: "Too Many Requests: retry after 7", retryAfter: 7)) {
            _ = try await client.call("sendMessage", ["chat_id": 1, "text": "x"])
        }
        fake.fail("getMe", with: .htmlPage(502))
        do {
            _ = try await client.call("getMe")
            Issue.record("expected a transport error")
        } catch let error as TelegramAPIError {
            #expect(error.isTransient)
            #expect(error.description.contains("non-JSON"))
        }
        let wrong = BotAPIClient(baseURL: fake.baseURL, token: "42:WRONG_token-abcdefgh")
        do {
            _ = try await wrong.call("getMe")
            Issue.record("expected 401")
        } catch let error as TelegramAPIError {
            #expect(error.isBadToken)
            #expect(!error.description.contains("WRONG_token"))
        }
        let unreachable = BotAPIClient(baseURL: "http://127.0.0.1:1", token: fake.token)
        do {
            _ = try await unreachable.call("getMe", timeout: .seconds(2))
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
            _ = try await client.call("sendMessage", ["chat_id": 1, "text": "<div>x</div>", "parse_mode": "HTML"])
        }
        await #expect(throws: TelegramAPIError.api(code: 400, description: "Bad Request: message is too long", retryAfter: nil)) {
            _ = try await client.call("sendMessage", ["chat_id": 1, "text": String(repeating: "é", count: 4097)])
        }
        _ = try await client.call("sendMessage", ["chat_id": 1, "text": String(repeating: "é", count: 4096)])
        _ = try await client.call("sendMessage", ["chat_id": 1, "text": "<b>a &amp; b</b>", "parse_mode": "HTML"])
        #expect(fake.messages(to: 1).last?.text == "a & b")
        #expect(fake.rejectedSends == 2)
        }
    }
}
