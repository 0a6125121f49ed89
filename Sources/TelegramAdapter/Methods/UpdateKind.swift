/// A kind of update getUpdates can be asked for (`allowed_updates`).
public enum UpdateKind: String, Encodable, Sendable {
    case message
    case editedMessage = "edited_message"
    case callbackQuery = "callback_query"
}
