/// Telegram rejected the token: the daemon stops instead of retrying forever.
public struct BadTokenError: Error, CustomStringConvertible {
    public var detail: String

    public init(detail: String) {
        self.detail = detail
    }

    public var description: String {
        "Telegram rejected the bot token (\(detail)). Check TELEGRAM_BOT_TOKEN or telegram.bot_token_file."
    }
}
