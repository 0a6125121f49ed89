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
        switch SecretFile.read(path) {
        case .success(let token): return token
        case .failure(let problem): throw UserFacingError(SecretFile.message(problem, what: "The bot token file", path: path))
        }
    }
}
