/// getUpdates: long-polls for updates after `offset`; an offset also confirms every earlier update, so
/// Telegram forgets them. Nil fields are left out and take Telegram's defaults.
public struct GetUpdatesRequest: Encodable, Sendable, Equatable {
    public var offset: Int64?
    public var limit: Int?
    /// Long-poll timeout in seconds; 0 answers at once.
    public var timeout: Int?
    public var allowedUpdates: [UpdateKind]?

    enum CodingKeys: String, CodingKey {
        case offset, limit, timeout
        case allowedUpdates = "allowed_updates"
    }

    public init(offset: Int64? = nil, limit: Int? = nil, timeout: Int? = nil, allowedUpdates: [UpdateKind]? = nil) {
        self.offset = offset
        self.limit = limit
        self.timeout = timeout
        self.allowedUpdates = allowedUpdates
    }
}
