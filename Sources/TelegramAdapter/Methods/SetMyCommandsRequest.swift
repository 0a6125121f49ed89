/// setMyCommands: the command menu Telegram shows next to the message field.
public struct SetMyCommandsRequest: Encodable, Sendable, Equatable {
    /// A Bot API `BotCommand`: the command without its slash, and what it does.
    public struct Command: Encodable, Sendable, Equatable {
        public var command: String
        public var description: String

        public init(command: String, description: String) {
            self.command = command
            self.description = description
        }
    }

    public var commands: [Command]

    public init(commands: [Command]) {
        self.commands = commands
    }
}
