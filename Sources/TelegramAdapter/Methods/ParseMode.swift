/// How Telegram reads a message's text: only HTML is used (see `TelegramHTML`). No parse mode means
/// plain text, the fallback when Telegram rejects the HTML.
public enum ParseMode: String, Encodable, Sendable {
    case html = "HTML"
}
