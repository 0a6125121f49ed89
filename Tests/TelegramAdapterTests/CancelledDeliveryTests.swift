import CompanionCore
import Foundation
import TelegramAdapter
import TestSupport
import Testing

/// A shutdown out of time cancels the presenter; a message Telegram already has must then still count as
/// delivered, or the next start sends it a second time. And nothing new is sent once cancelled.
@Suite struct CancelledDeliveryTests {
    static let chat: Int64 = 7

    @Test func aSendUnderWayWhenCancelledFinishesAndCountsAsDelivered() async throws {
        try await withFakeTelegram { fake in
            let messenger = TelegramMessenger(
                client: BotAPIClient(baseURL: fake.baseURL, token: fake.token), backoffInitial: .milliseconds(10))
            let hold = fake.holdAnswer("sendMessage")
            let sending = Task { await messenger.post(chatID: Self.chat, message: RenderedMessage(plain: "the result"), silent: false) }
            // Telegram has the message; its answer is on the way when the cancel comes.
            await hold.arrived.wait()
            sending.cancel()
            hold.release.fulfil(())
            let id = await sending.value
            #expect(id != nil, "the message Telegram took counts as delivered")
            #expect(fake.messages(to: Self.chat).map(\.text) == ["the result"])
        }
    }

    @Test func nothingNewIsSentOnceCancelled() async throws {
        try await withFakeTelegram { fake in
            let messenger = TelegramMessenger(
                client: BotAPIClient(baseURL: fake.baseURL, token: fake.token), backoffInitial: .milliseconds(10))
            let sending = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await messenger.post(chatID: Self.chat, message: RenderedMessage(plain: "late"), silent: false)
            }
            #expect(await sending.value == nil)
            #expect(fake.messages(to: Self.chat).isEmpty)
        }
    }
}
