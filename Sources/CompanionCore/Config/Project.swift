/// A repository the user allows the companion to drive, as named in the config.
public struct Project: Sendable, Equatable, Codable {
    public var name: String
    /// Absolute path of the repository on this machine.
    public var repoPath: String
    public var notes: String?
    public var branch: String?

    public init(name: String, repoPath: String, notes: String? = nil, branch: String? = nil) {
        self.name = name
        self.repoPath = repoPath
        self.notes = notes
        self.branch = branch
    }
}
