/// The chat ↔ project link, kept across restarts.
public protocol ChatStateStoring: Sendable {
    /// The project a chat last selected, if any.
    func activeProject(chatID: Int64) async throws -> String?
    /// Remembers the project a chat selected.
    func setActiveProject(chatID: Int64, project: String) async throws
    /// The chats whose selected project is `project` and that have desk notices on: they hear of its
    /// turns at the terminal and are asked their approval requests.
    func chatsHearingTheDesk(of project: String) async throws -> [Int64]
    /// Whether the chat hears of desk turns (`/notify desk on|off`); on unless it said off.
    func hearsTheDesk(chatID: Int64) async throws -> Bool
    /// Turns desk notices on or off for the chat.
    func setHearsTheDesk(chatID: Int64, _ on: Bool) async throws
}
