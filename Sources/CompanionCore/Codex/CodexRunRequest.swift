/// One turn to run: a new session, or a resume of a known thread.
public struct CodexRunRequest: Sendable, Equatable {
    public var repoPath: String
    public var prompt: String
    /// nil starts a new session.
    public var resumeThreadID: String?

    public init(repoPath: String, prompt: String, resumeThreadID: String? = nil) {
        self.repoPath = repoPath
        self.prompt = prompt
        self.resumeThreadID = resumeThreadID
    }
}
