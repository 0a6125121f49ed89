/// What to run: one prompt in one repository, in a new session, a resumed one, or a fork of one.
public struct CodexRunRequest: Sendable, Equatable {
    public var repoPath: String
    public var prompt: String
    /// nil starts a new session (or a fork, with `forkThreadID`).
    public var resumeThreadID: String?
    /// A new session that starts as a copy of this thread (`thread/fork`). `codex exec` cannot fork, so
    /// the exec engine hands such turns to the app-server engine.
    public var forkThreadID: String?
    /// Images that go with the prompt (absolute paths).
    public var images: [String]

    public init(
        repoPath: String, prompt: String, resumeThreadID: String? = nil, forkThreadID: String? = nil, images: [String] = []
    ) {
        self.images = images
        self.repoPath = repoPath
        self.prompt = prompt
        self.resumeThreadID = resumeThreadID
        self.forkThreadID = forkThreadID
    }
}
