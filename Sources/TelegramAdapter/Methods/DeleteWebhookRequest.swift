/// deleteWebhook: removes a webhook, which would otherwise make every getUpdates fail with 409.
public struct DeleteWebhookRequest: Encodable, Sendable, Equatable {
    /// False keeps the updates waiting at Telegram: they are the user's messages.
    public var dropPendingUpdates: Bool

    enum CodingKeys: String, CodingKey {
        case dropPendingUpdates = "drop_pending_updates"
    }

    public init(dropPendingUpdates: Bool = false) {
        self.dropPendingUpdates = dropPendingUpdates
    }
}
