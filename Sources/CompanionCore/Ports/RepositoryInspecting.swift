/// Reads a repository's working tree state (git), for result cards and /diff.
public protocol RepositoryInspecting: Sendable {
    /// Added and removed line counts of these files against HEAD (untracked files count as all added).
    func lineCounts(repoPath: String, paths: [String]) async -> [String: LineCounts]
    /// The uncommitted changes: a patch (untracked files included) and its diffstat.
    func uncommittedChanges(repoPath: String) async throws -> RepositoryChanges
}

public struct LineCounts: Sendable, Equatable, Codable {
    public var added: Int
    public var removed: Int

    public init(added: Int, removed: Int) {
        self.added = added
        self.removed = removed
    }
}

public struct RepositoryChanges: Sendable, Equatable {
    public var patch: String
    public var diffstat: String
    public var fileCount: Int

    public init(patch: String, diffstat: String, fileCount: Int) {
        self.patch = patch
        self.diffstat = diffstat
        self.fileCount = fileCount
    }
}
