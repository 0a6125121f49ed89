/// The parts of getMe's `User` the companion reads: the bot's @username, which commands addressed to
/// it (`/cmd@username`) carry.
public struct BotUser: Decodable, Sendable, Equatable {
    public var id: Int64
    public var username: String?

    public init(id: Int64, username: String?) {
        self.id = id
        self.username = username
    }
}
