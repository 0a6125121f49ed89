import CompanionCore
import Foundation

/// Reads the bot token from TELEGRAM_BOT_TOKEN or from telegram.bot_token_file. The token is never
/// printed: errors say where it was looked for, not what it is.
public enum BotToken {
    public static func load(
        config: CompanionConfig.Telegram, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws -> String
    {
        if let value = environment[CompanionSecrets.botTokenVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return value
        }
        guard let path = config.botTokenFile else {
            throw UserFacingError("No bot token: set TELEGRAM_BOT_TOKEN, or \"telegram\": {\"bot_token_file\": \"…\"} in the config.")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes, let contents = FileManager.default.contents(atPath: path) else {
            throw UserFacingError("The bot token file \(path) cannot be read.")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw UserFacingError("The bot token file \(path) is readable by other users: run `chmod 600 \(path)`.")
        }
        let token = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw UserFacingError("The bot token file \(path) is empty.") }
        return token
    }
}
