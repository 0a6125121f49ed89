import Foundation

/// The companion's index of Codex's rollout files, kept in its own database, so finding a repository's
/// latest session reads a few rows instead of Codex's whole history. Rows are keyed by file path.
public protocol SessionIndexStoring: Sendable {
    /// Size and modification time of every indexed file under this Codex home, by path (for a full refresh).
    func indexedStamps(codexHome: String) async throws -> [String: RolloutStamp]
    /// The indexed files at these paths, by path.
    func indexedRollouts(paths: [String]) async throws -> [String: IndexedRollout]
    /// The indexed files whose working directory is `cwd` (if given), and those at `paths`, by path (a quick refresh).
    func indexedRollouts(codexHome: String, cwd: String?, orPaths paths: [String]) async throws -> [String: IndexedRollout]
    /// Adds or replaces these rows and removes the rows of `removedPaths`, in one transaction.
    func updateRollouts(_ rollouts: [IndexedRollout], removedPaths: [String]) async throws
    func rollout(codexHome: String, threadID: String) async throws -> IndexedRollout?
    func rolloutCount(codexHome: String) async throws -> Int
    /// When a full refresh of this Codex home last completed, in any process.
    func lastFullRefresh(codexHome: String) async throws -> Date?
    func setLastFullRefresh(codexHome: String, at: Date) async throws
    /// The format of this Codex home's rows: the version of the reader that wrote them (0 when unknown),
    /// so rows of an older reader are read again.
    func indexFormat(codexHome: String) async throws -> Int
    func setIndexFormat(codexHome: String, _ format: Int) async throws
}

/// What a full refresh compares a file with: it is read again only if one of these changed.
public struct RolloutStamp: Sendable, Equatable {
    public var size: Int64
    public var modifiedNanoseconds: Int64

    public init(size: Int64, modifiedNanoseconds: Int64) {
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
    }
}

/// What the index knows of one rollout file: its size and modification time when it was read, how far it
/// was read (the end of its last complete line), and the session facts found so far.
public struct IndexedRollout: Sendable, Equatable {
    public var path: String
    public var codexHome: String
    public var size: Int64
    /// The file's modification time in nanoseconds since 1970: its last use, compared exactly.
    public var modifiedNanoseconds: Int64
    public var readOffset: Int64
    /// Nil for a file that is not a readable session (kept so it is not read again until it changes).
    public var threadID: String?
    /// The canonical working directory of its latest turn.
    public var cwd: String?
    public var source: String
    public var startedAt: Date?
    public var firstPrompt: String?
    public var cumulativeUsage: TokenUsage?

    public init(
        path: String, codexHome: String, size: Int64, modifiedNanoseconds: Int64, readOffset: Int64, threadID: String?,
        cwd: String?, source: String, startedAt: Date?, firstPrompt: String?, cumulativeUsage: TokenUsage?
    ) {
        self.path = path
        self.codexHome = codexHome
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.readOffset = readOffset
        self.threadID = threadID
        self.cwd = cwd
        self.source = source
        self.startedAt = startedAt
        self.firstPrompt = firstPrompt
        self.cumulativeUsage = cumulativeUsage
    }

    public var modifiedAt: Date { Date(timeIntervalSince1970: TimeInterval(modifiedNanoseconds) / 1e9) }

    /// The session, when the file is one.
    public var session: CodexSession? {
        guard let threadID, let cwd else { return nil }
        return CodexSession(
            id: threadID, cwd: cwd, startedAt: startedAt, lastUsedAt: modifiedAt, firstPrompt: firstPrompt,
            source: source, cumulativeUsage: cumulativeUsage)
    }
}
