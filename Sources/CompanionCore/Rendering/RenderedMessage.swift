/// One Telegram message ready to send: the HTML to try first, and the plain text to fall back to.
public struct RenderedMessage: Sendable, Equatable {
    public var html: String
    public var plain: String

    public init(html: String, plain: String) {
        self.html = html
        self.plain = plain
    }

    /// A plain-text message, escaped for HTML.
    public init(plain: String) {
        self.init(html: TelegramHTML.escape(plain), plain: plain)
    }
}
