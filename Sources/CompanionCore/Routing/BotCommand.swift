/// What a message asks for, parsed from its text (Telegram's command syntax, the same for any chat client).
public enum BotCommand: Sendable, Equatable {
    case help
    /// `/project` alone lists the projects; with a name it selects one.
    case project(String?)
    case new(String)
    case `continue`(String)
    /// Plain text: continue the latest session of the active project; while a task of the project runs on
    /// the app-server engine, the text goes into its turn instead.
    case prompt(String)
    /// `/queue <prompt>`: continue the latest session as a task of its own, after the running one.
    case queue(String)
    case last
    case status
    /// `/cancel` stops the running task; `/cancel queued` drops waiting ones; `/cancel all` does both.
    case cancel(CancelScope)
    /// `/cancel` with a word it does not know.
    case badCancelScope(String)
    case diff
    /// `/file <path>`: send a file of the active project.
    case file(String)
    /// `/notify` shows the chat's notices; `/notify desk on|off` sets whether it hears of desk turns.
    case notify(NotifyChange?)
    /// `/notify` with words it does not know.
    case badNotify(String)
    case unknown(String)

    /// A change `/notify` asks for.
    public enum NotifyChange: Sendable, Equatable {
        /// Turns at the terminal: their results and approval requests.
        case desk(Bool)
    }

    /// Parses `/cmd args`, `/cmd@BotName args` and plain text. Commands addressed to another bot
    /// (`/cmd@OtherBot`) are unknown. Command names ignore case.
    public static func parse(_ text: String, botUsername: String?) -> BotCommand {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("/") else { return .prompt(trimmed) }
        let head = trimmed.prefix { !$0.isWhitespace }
        let argument = String(trimmed.dropFirst(head.count)).trimmingCharacters(in: .whitespacesAndNewlines)
        var name = String(head.dropFirst())
        if let at = name.firstIndex(of: "@") {
            let addressee = name[name.index(after: at)...]
            if let botUsername, addressee.lowercased() != botUsername.lowercased() { return .unknown(String(head)) }
            name = String(name[..<at])
        }
        switch name.lowercased() {
        case "help", "start": return .help
        case "project", "projects": return .project(argument.isEmpty ? nil : argument)
        case "new": return .new(argument)
        case "continue": return .continue(argument)
        case "queue": return .queue(argument)
        case "last": return .last
        case "status": return .status
        case "cancel", "stop":
            if argument.isEmpty { return .cancel(.running) }
            guard let scope = CancelScope(rawValue: argument.lowercased()), scope != .running else { return .badCancelScope(argument) }
            return .cancel(scope)
        case "diff": return .diff
        case "file": return .file(argument)
        case "notify", "notifications":
            let words = argument.lowercased().split(whereSeparator: \.isWhitespace)
            switch words {
            case []: return .notify(nil)
            case ["desk", "on"]: return .notify(.desk(true))
            case ["desk", "off"]: return .notify(.desk(false))
            default: return .badNotify(argument)
            }
        default: return .unknown(String(head))
        }
    }

    /// The name used in the audit trail.
    public var auditName: String {
        switch self {
        case .help: "help"
        case .project: "project"
        case .new: "new"
        case .continue: "continue"
        case .prompt: "text"
        case .queue: "queue"
        case .last: "last"
        case .status: "status"
        case .cancel, .badCancelScope: "cancel"
        case .diff: "diff"
        case .file: "file"
        case .notify, .badNotify: "notify"
        case .unknown: "unknown"
        }
    }

    /// The command menu registered with setMyCommands.
    public static let menu: [(command: String, description: String)] = [
        ("project", "Pick a project, or list them"),
        ("new", "Start a new Codex session: /new <prompt>"),
        ("continue", "Continue the latest session: /continue <prompt>"),
        ("queue", "Run after the current task instead of adding to it: /queue <prompt>"),
        ("last", "Show the last task of the project"),
        ("diff", "The project's uncommitted changes as a .patch file"),
        ("file", "Send a file of the project: /file <path>"),
        ("status", "What is running and queued, here and at the terminal"),
        ("notify", "Turns at the terminal: /notify desk on|off"),
        ("cancel", "Stop the running task (/cancel all: also drop queued ones)"),
        ("help", "How to use this bot"),
    ]
}
