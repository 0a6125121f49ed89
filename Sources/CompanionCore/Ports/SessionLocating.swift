import Foundation

/// Finds Codex sessions on disk, whoever started them (terminal, IDE, or the companion).
public protocol SessionLocating: Sendable {
    /// Sessions whose working directory is `repoPath`, most recently used first, at most `limit`.
    func sessions(inRepository repoPath: String, limit: Int) async throws -> [CodexSession]
    /// The session with this thread id, if Codex has it on disk.
    func session(id: String) async throws -> CodexSession?
    /// Brings what is known of this repository's sessions up to date (after a run, off the message path).
    func refresh(repository repoPath: String) async throws
}

/// A Codex session (a thread) as recorded in its rollout file.
public struct CodexSession: Sendable, Equatable {
    public var id: String
    /// The working directory of its latest turn.
    public var cwd: String
    public var startedAt: Date?
    public var lastUsedAt: Date
    public var firstPrompt: String?
    /// Where it was started, in the words of Codex's `source`: `cli` (the terminal), `exec`, `vscode`…, or
    /// `companion`. Taken from the file's originator when it is one of Codex's own clients (since 0.151
    /// every thread made through Codex's daemon, the terminal's too, says `"source": "vscode"`).
    public var source: String
    /// The thread's cumulative token usage so far, when the file records it.
    public var cumulativeUsage: TokenUsage?

    public init(
        id: String, cwd: String, startedAt: Date?, lastUsedAt: Date, firstPrompt: String?, source: String,
        cumulativeUsage: TokenUsage?
    ) {
        self.id = id
        self.cwd = cwd
        self.startedAt = startedAt
        self.lastUsedAt = lastUsedAt
        self.firstPrompt = firstPrompt
        self.source = source
        self.cumulativeUsage = cumulativeUsage
    }

    public var shortID: String { String(id.suffix(8)) }
}
