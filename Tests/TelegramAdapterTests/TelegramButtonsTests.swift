import CompanionCore
import Foundation
import TelegramAdapter
import TestSupport
import Testing

/// Inline buttons and taps over real HTTP against the fake Bot API.
@Suite struct TelegramButtonsTests {
    typealias Button = FakeTelegramServer.Button

    static let chat: Int64 = 7

    static func messenger(_ fake: FakeTelegramServer) -> TelegramMessenger {
        TelegramMessenger(client: BotAPIClient(baseURL: fake.baseURL, token: fake.token), backoffInitial: .milliseconds(10))
    }

    /// The updates waiting at the fake, decoded as the dispatcher decodes them.
    static func pendingUpdates(_ fake: FakeTelegramServer) async throws -> [TelegramUpdate] {
        let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
        return try await client.getUpdates(GetUpdatesRequest(timeout: 0), timeout: .seconds(60)).map {
            try JSONDecoder().decode(TelegramUpdate.self, from: $0.payload)
        }
    }

    @Test func aMessageArrivesWithItsButtonsAndItsQuoteAndAnEditRemovesTheButtons() async throws {
        try await withFakeTelegram { fake in
            let messenger = Self.messenger(fake)
            let question = try #require(await messenger.post(chatID: Self.chat, message: RenderedMessage(plain: "question"), silent: false))
            let buttons = [
                [ChatButton(title: "Approve", data: "a:1"), ChatButton(title: "Deny", data: "d:1")],
                [ChatButton(title: "Stop", data: "s:1")],
            ]
            let id = try #require(
                await messenger.post(
                    chatID: Self.chat, message: RenderedMessage(html: "<b>Run</b> it?", plain: "Run it?"), silent: true, buttons: buttons,
                    replyTo: question))
            let expected = [
                [Button(text: "Approve", data: "a:1"), Button(text: "Deny", data: "d:1")], [Button(text: "Stop", data: "s:1")],
            ]
            let sent = try #require(fake.messages(to: Self.chat).last)
            #expect(sent.messageID == id)
            #expect(sent.text == "Run it?")
            #expect(sent.buttons == expected)
            #expect(sent.replyTo == question)
            #expect(fake.buttons(of: id) == expected)
            // The message without buttons quotes nothing and shows none.
            #expect(fake.messages(to: Self.chat).first?.replyTo == nil)
            #expect(fake.buttons(of: question).isEmpty)

            #expect(await messenger.edit(chatID: Self.chat, messageID: id, message: RenderedMessage(plain: "Approved")) == .shown)
            #expect(fake.currentText(of: id) == "Approved")
            #expect(fake.buttons(of: id).isEmpty)
            #expect(fake.rejectedSends == 0)
        }
    }

    @Test func anEditWithTheSameTextStillRemovesTheButtons() async throws {
        try await withFakeTelegram { fake in
            let messenger = Self.messenger(fake)
            let id = try #require(
                await messenger.post(
                    chatID: Self.chat, message: RenderedMessage(plain: "Run it?"), silent: false,
                    buttons: [[ChatButton(title: "Approve", data: "a:1")]], replyTo: nil))
            #expect(await messenger.edit(chatID: Self.chat, messageID: id, message: RenderedMessage(plain: "Run it?")) == .shown)
            #expect(fake.buttons(of: id).isEmpty)
            #expect(fake.edits.count == 1)
        }
    }

    @Test func thePlainTextFallbackKeepsTheButtonsAndTheQuote() async throws {
        try await withFakeTelegram { fake in
            let messenger = Self.messenger(fake)
            fake.fail("sendMessage", with: .status(400, description: "Bad Request: can't parse entities: unsupported start tag"))
            let id = try #require(
                await messenger.post(
                    chatID: Self.chat, message: RenderedMessage(html: "<b>Run</b>", plain: "Run"), silent: false,
                    buttons: [[ChatButton(title: "Approve", data: "a:1")]], replyTo: 3))
            let sent = try #require(fake.messages(to: Self.chat).last)
            #expect(sent.messageID == id)
            #expect(sent.parseMode == nil)
            #expect(sent.buttons == [[Button(text: "Approve", data: "a:1")]])
            #expect(sent.replyTo == 3)
        }
    }

    @Test func aButtonWhoseDataTelegramWouldRefuseIsDroppedAndTheRestIsSent() async throws {
        try await withFakeTelegram { fake in
            let messenger = Self.messenger(fake)
            // Bytes count, not characters: 32 "é" are 64 bytes, 33 are 66.
            let fits = String(repeating: "é", count: 32)
            let tooLong = String(repeating: "é", count: 33)
            let id = try #require(
                await messenger.post(
                    chatID: Self.chat, message: RenderedMessage(plain: "Run it?"), silent: false,
                    buttons: [
                        [ChatButton(title: "Approve", data: "a:1"), ChatButton(title: "Long", data: tooLong)],
                        [ChatButton(title: "Long too", data: String(repeating: "x", count: 65))],
                        [ChatButton(title: "Empty", data: ""), ChatButton(title: "Fits", data: fits)],
                    ], replyTo: nil))
            #expect(fake.buttons(of: id) == [[Button(text: "Approve", data: "a:1")], [Button(text: "Fits", data: fits)]])
            // Only bad buttons: the message goes without any.
            let bare = try #require(
                await messenger.post(
                    chatID: Self.chat, message: RenderedMessage(plain: "Still here"), silent: false,
                    buttons: [[ChatButton(title: "Long", data: tooLong)]], replyTo: nil))
            #expect(fake.currentText(of: bare) == "Still here")
            #expect(fake.buttons(of: bare).isEmpty)
            #expect(fake.rejectedSends == 0)
        }
    }

    @Test func theFakeRefusesButtonsAsTelegramDoes() async throws {
        try await withFakeTelegram { fake in
            let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
            func send(_ button: InlineKeyboardMarkup.Button) async throws {
                try await client.sendMessage(
                    SendMessageRequest(chatID: Self.chat, text: "x", replyMarkup: InlineKeyboardMarkup(inlineKeyboard: [[button]])))
            }
            await #expect(throws: TelegramAPIError.api(code: 400, description: "Bad Request: BUTTON_DATA_INVALID", retryAfter: nil)) {
                try await send(.init(text: "Long", callbackData: String(repeating: "x", count: 65)))
            }
            await #expect(throws: TelegramAPIError.api(code: 400, description: "Bad Request: BUTTON_DATA_INVALID", retryAfter: nil)) {
                try await send(.init(text: "Empty", callbackData: ""))
            }
            await #expect(throws: TelegramAPIError.self) {
                try await send(.init(text: "", callbackData: "a:1"))
            }
            #expect(fake.sentMessages.isEmpty)
            try await send(.init(text: "Ok", callbackData: String(repeating: "x", count: 64)))
            #expect(fake.sentMessages.count == 1)
        }
    }

    @Test func aTapArrivesAsTheIncomingTapOfItsUserChatMessageAndData() async throws {
        try await withFakeTelegram { fake in
            let messenger = Self.messenger(fake)
            let id = try #require(
                await messenger.post(
                    chatID: Self.chat, message: RenderedMessage(plain: "Run it?"), silent: false,
                    buttons: [[ChatButton(title: "Approve", data: "a:1")]], replyTo: nil))
            let query = fake.sendCallbackQuery(from: Self.chat, messageID: id, data: "a:1")
            let groupQuery = fake.sendCallbackQuery(from: 8, messageID: id, chatID: -100, data: "d:1", chatType: "supergroup")
            let oldQuery = fake.sendCallbackQuery(from: Self.chat, messageID: id, data: "a:1", inaccessible: true)
            fake.sendMessage(from: Self.chat, text: "hello")
            let updates = try await Self.pendingUpdates(fake)
            #expect(updates.count == 4)
            #expect(
                updates.map(\.incomingTap) == [
                    IncomingTap(id: query, userID: Self.chat, chatID: Self.chat, messageID: id, isPrivate: true, data: "a:1"),
                    IncomingTap(id: groupQuery, userID: 8, chatID: -100, messageID: id, isPrivate: false, data: "d:1"),
                    // A message too old to show still names its chat and id.
                    IncomingTap(id: oldQuery, userID: Self.chat, chatID: Self.chat, messageID: id, isPrivate: true, data: "a:1"),
                    nil,
                ])
            #expect(updates.map { $0.incomingMessage == nil } == [true, true, true, false])
            #expect(UpdatePoller.allowedUpdates.map(\.rawValue) == ["message", "edited_message", "callback_query"])
        }
    }

    @Test func aTapWithoutDataIsNoTapAndAnUnreadableMessageDoesNotCostTheTap() throws {
        func decode(_ json: String) throws -> TelegramUpdate {
            try JSONDecoder().decode(TelegramUpdate.self, from: Data(json.utf8))
        }
        let from = #""from":{"id":7,"is_bot":false,"first_name":"T"}"#
        let game = try decode(#"{"update_id":1,"callback_query":{"id":"q1",\#(from),"chat_instance":"c","game_short_name":"g"}}"#)
        #expect(game.callbackQuery != nil)
        #expect(game.incomingTap == nil)
        let odd = try decode(#"{"update_id":2,"callback_query":{"id":"q2",\#(from),"message":{"date":0},"data":"a:1"}}"#)
        #expect(odd.incomingTap == IncomingTap(id: "q2", userID: 7, chatID: nil, messageID: nil, isPrivate: false, data: "a:1"))
    }

    @Test func aTapIsAnsweredOnceAndASecondAnswerIsRefused() async throws {
        try await withFakeTelegram { fake in
            let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
            let query = fake.sendCallbackQuery(from: Self.chat, messageID: 1, data: "a:1")
            try await client.answerCallbackQuery(AnswerCallbackQueryRequest(callbackQueryID: query, text: "Approved"))
            #expect(fake.tapAnswers == [FakeTelegramServer.TapAnswer(queryID: query, text: "Approved")])
            do {
                try await client.answerCallbackQuery(AnswerCallbackQueryRequest(callbackQueryID: query))
                Issue.record("expected the second answer to be refused")
            } catch let error as TelegramAPIError {
                #expect(error.isStaleCallbackQuery)
                #expect(!error.isTransient)
            }
            #expect(fake.tapAnswers.count == 1)
        }
    }

    @Test func theMessengerAnswersATapOnceAndShrugsOffALateAnswer() async throws {
        try await withFakeTelegram { fake in
            let messenger = Self.messenger(fake)
            let query = fake.sendCallbackQuery(from: Self.chat, messageID: 1, data: "a:1")
            await messenger.answerTap(id: query, text: "Approved")
            await messenger.answerTap(id: query, text: "again")
            await messenger.answerTap(id: "unknown", text: nil)
            #expect(fake.tapAnswers == [FakeTelegramServer.TapAnswer(queryID: query, text: "Approved")])
            // One attempt each: nothing is retried.
            #expect(fake.calls.filter { $0 == "answerCallbackQuery" }.count == 3)
            // A transient failure is not retried either.
            let second = fake.sendCallbackQuery(from: Self.chat, messageID: 1, data: "a:2")
            fake.fail("answerCallbackQuery", with: .status(502, description: "Bad Gateway"))
            await messenger.answerTap(id: second, text: nil)
            #expect(fake.calls.filter { $0 == "answerCallbackQuery" }.count == 4)
            #expect(fake.tapAnswers.count == 1)
        }
    }

    @Test func buttonsQuotesAndTapAnswersUseTheBotAPIFieldNames() throws {
        func json(_ request: some Encodable) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(request), as: UTF8.self)
        }
        #expect(
            try json(
                SendMessageRequest(
                    chatID: 5, text: "x", replyMarkup: InlineKeyboardMarkup(inlineKeyboard: [[.init(text: "Go", callbackData: "a:1")]]),
                    replyParameters: ReplyParameters(messageID: 9)))
                == #"{"chat_id":5,"reply_markup":{"inline_keyboard":[[{"callback_data":"a:1","text":"Go"}]]},"reply_parameters":{"allow_sending_without_reply":true,"message_id":9},"text":"x"}"#
        )
        #expect(
            try json(AnswerCallbackQueryRequest(callbackQueryID: "q", text: "Done"))
                == #"{"callback_query_id":"q","show_alert":false,"text":"Done"}"#)
        #expect(try json(AnswerCallbackQueryRequest(callbackQueryID: "q")) == #"{"callback_query_id":"q","show_alert":false}"#)
    }
}
