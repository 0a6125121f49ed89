/// The chat ↔ project link, kept across restarts.
public protocol ChatStateStoring: Sendable {
    /// The project a chat last selected, if any.
    func activeProject(chatID: Int64) async throws -> String?
    /// Remembers the project a chat selected.
    func setActiveProject(chatID: Int64, project: String) async throws
    /// The chats whose selected project is `project` (they hear of its desk turns).
    func chats(withActiveProject project: String) async throws -> [Int64]
}
