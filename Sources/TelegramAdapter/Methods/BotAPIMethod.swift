/// The Bot API methods the companion calls; the raw value is the method's name in the URL.
public enum BotAPIMethod: String, Sendable, CustomStringConvertible {
    case getMe
    case getUpdates
    case sendMessage
    case editMessageText
    case sendChatAction
    case sendDocument
    case deleteWebhook
    case setMyCommands
    case answerCallbackQuery
    case getFile

    public var description: String { rawValue }
}
