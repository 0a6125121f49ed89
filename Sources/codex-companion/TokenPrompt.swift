import CompanionApp
import Foundation
import TelegramAdapter

/// Step 1 of `init`: gets the bot token and proves it works before anything is written. The token comes
/// from `--token-file`, else `TELEGRAM_BOT_TOKEN`, else the user types it (unechoed) or, without a
/// terminal, it is read from stdin. `getMe` checks it and names the bot, so the user sees at once
/// whether they pasted the right one; a rejected token gets a one-line error and, in a terminal,
/// another try. The token is never printed: every message says where it came from, not what it is.
struct TokenPrompt {
    var tokenFile: String?
    var environment: [String: String]
    var apiBaseURL: String
    var interactive: Bool

    /// Tries a person gets at typing the token before `init` gives up.
    static let attempts = 3

    /// A token that Telegram accepted, and the bot it belongs to.
    struct Checked {
        var token: String
        var bot: BotUser
        /// Where the token came from, in words ("the token in TELEGRAM_BOT_TOKEN").
        var origin: String
    }

    func obtain() async throws -> Checked {
        var source = try initialToken()
        var failures = 0
        while true {
            guard let (token, origin) = source else {
                guard interactive, let typed = await SetupPrompt.askHidden("Bot token from @BotFather (not shown as you type): ") else {
                    throw UserFacingError(
                        "No bot token: pass --token-file PATH, set TELEGRAM_BOT_TOKEN, or run `codex-companion init` in a terminal.")
                }
                source = typed.isEmpty ? nil : (typed, "the token you typed")
                continue
            }
            switch await check(token, from: origin) {
            case .success(let checked):
                return checked
            case .failure(let error):
                failures += 1
                guard interactive, failures < Self.attempts else { throw error }
                Terminal.error(error.description)
                source = nil
            }
        }
    }

    /// The token given without asking, and where it came from; nil when the user must be asked.
    private func initialToken() throws -> (String, String)? {
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw UserFacingError("The token file \(tokenFile) cannot be read.")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw UserFacingError("The token file \(tokenFile) is empty.") }
            return (token, "the token in \(tokenFile)")
        }
        if let token = environment["TELEGRAM_BOT_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty {
            return (token, "the token in TELEGRAM_BOT_TOKEN")
        }
        if !interactive, let line = Swift.readLine()?.trimmingCharacters(in: .whitespacesAndNewlines), !line.isEmpty {
            return (line, "the token read from stdin")
        }
        return nil
    }

    /// Asks Telegram who the bot is. `origin` names the token in messages in place of its value.
    private func check(_ token: String, from origin: String) async -> Result<Checked, UserFacingError> {
        guard Self.looksLikeToken(token) else {
            return .failure(
                UserFacingError("\(origin.prefix(1).uppercased() + origin.dropFirst()) is not a bot token (it looks like 123456789:AA…)."))
        }
        let client = BotAPIClient(baseURL: apiBaseURL, token: token)
        do {
            let bot = try await client.getMe(timeout: .seconds(20))
            return .success(Checked(token: token, bot: bot, origin: origin))
        } catch {
            let redacted = TokenRedactor(token: token)
            if error.isBadToken {
                return .failure(UserFacingError(redacted.redact("Telegram rejected \(origin) (\(error)): copy it again from @BotFather.")))
            }
            return .failure(UserFacingError(redacted.redact("The token could not be checked: \(error)")))
        }
    }

    /// The shape of a bot token (digits, a colon, letters): anything else is refused before it goes
    /// into a URL, where a `/` or `?` would change what is asked.
    static func looksLikeToken(_ token: String) -> Bool {
        guard let colon = token.firstIndex(of: ":"), colon != token.startIndex else { return false }
        let id = token[..<colon]
        let secret = token[token.index(after: colon)...]
        return id.allSatisfy(\.isASCII) && id.allSatisfy(\.isNumber) && !secret.isEmpty
            && secret.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_".unicodeScalars.contains($0))
            }
    }
}
