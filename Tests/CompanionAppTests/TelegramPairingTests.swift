import CompanionApp
import Foundation
import Synchronization
import TelegramAdapter
import TestSupport
import Testing

/// Pairing against the fake Bot API: only the code pairs, messages sent before it was shown do not
/// count, a stranger's guesses lock out the stranger and not the owner, and a sender who sent no
/// six digits learns nothing.
@Suite struct TelegramPairingTests {
    static let code = "424242"
    static let owner: Int64 = 4242
    static let guesser: Int64 = 777
    static let stranger: Int64 = 888

    @Test func oldMessagesStartAndAStrangersGuessesCannotStopTheOwner() async throws {
        try await withFakeTelegram { telegram in
            // More than one getUpdates batch waits already: /start taps and old wrong codes from the owner.
            for number in 0..<150 {
                telegram.sendMessage(from: Self.owner, text: number.isMultiple(of: 2) ? "/start" : String(format: "%06d", number))
            }
            let notes = Mutex<[String]>([])
            let pairing = TelegramPairing(client: BotAPIClient(baseURL: telegram.baseURL, token: telegram.token), code: Self.code)
            let paired = try await pairing.run(timeout: .seconds(60), note: { text in notes.withLock { $0.append(text) } }) {
                for guess in 1...12 {
                    telegram.sendMessage(from: Self.guesser, text: String(format: "%06d", guess))
                    // Once locked out, even the right code from the guesser pairs nobody.
                    if guess == 10 { telegram.sendMessage(from: Self.guesser, text: Self.code) }
                }
                telegram.sendMessage(from: Self.stranger, text: "/start")
                telegram.sendMessage(from: Self.stranger, text: "hello?")
                telegram.sendMessage(from: Self.stranger, text: "12345")
                telegram.sendMessage(from: Self.owner, text: "/start")
                telegram.sendMessage(from: Self.owner, text: "/start \(Self.code)")
            }
            #expect(paired.userID == Self.owner)
            let toGuesser = telegram.messages(to: Self.guesser).map(\.text)
            #expect(toGuesser.count == 10, "\(toGuesser)")
            #expect(toGuesser.prefix(9).allSatisfy { $0.hasPrefix("That is not the pairing code.") })
            #expect(toGuesser.last?.hasPrefix("Too many wrong codes") == true)
            #expect(telegram.messages(to: Self.stranger).isEmpty, "nothing tells a stranger a pairing is under way")
            #expect(telegram.messages(to: Self.owner).map(\.text).count == 1)
            #expect(telegram.messages(to: Self.owner).first?.text.hasPrefix("Paired ✓") == true)
            #expect(notes.withLock { $0 } == ["Telegram user 777 sent 10 wrong codes: their messages are ignored now."])
            #expect(telegram.unconfirmedUpdateIDs.isEmpty)
        }
    }

    @Test func wrongCodesFromManyAccountsAbandonTheCode() async throws {
        try await withFakeTelegram { telegram in
            let pairing = TelegramPairing(client: BotAPIClient(baseURL: telegram.baseURL, token: telegram.token), code: Self.code)
            do {
                _ = try await pairing.run(timeout: .seconds(60), note: { _ in }) {
                    for account in Int64(1)...Int64(TelegramPairing.maximumWrongCodesInAll / TelegramPairing.maximumWrongCodes) {
                        for guess in 1...TelegramPairing.maximumWrongCodes {
                            telegram.sendMessage(from: 1000 + account, text: String(format: "%06d", guess))
                        }
                    }
                    telegram.sendMessage(from: Self.owner, text: Self.code)
                }
                Issue.record("expected the code to be abandoned")
            } catch let error as UserFacingError {
                #expect(error.description.hasPrefix("100 wrong codes were sent to the bot"), "\(error)")
            }
            #expect(telegram.messages(to: Self.owner).isEmpty)
        }
    }

    @Test func onlySixDigitsCountAsAnAttempt() {
        #expect(TelegramPairing.attempt(in: "/start") == nil)
        #expect(TelegramPairing.attempt(in: "/start@CompanionTestBot") == nil)
        #expect(TelegramPairing.attempt(in: "hello") == nil)
        #expect(TelegramPairing.attempt(in: "12345") == nil)
        #expect(TelegramPairing.attempt(in: "1234567") == nil)
        #expect(TelegramPairing.attempt(in: "١٢٣٤٥٦") == nil)
        #expect(TelegramPairing.attempt(in: " 123 456 ") == "123456")
        #expect(TelegramPairing.attempt(in: "/start 123456") == "123456")
        #expect(TelegramPairing.matches("/start@CompanionTestBot 424242", code: Self.code))
        #expect(!TelegramPairing.matches("/start", code: Self.code))
    }
}
