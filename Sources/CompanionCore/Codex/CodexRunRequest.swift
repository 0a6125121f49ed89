/// One turn to run: a new session, or a resume of a known thread.
public struct CodexRunRequest: Sendable, Equatable {
    public var repoPath: String
    public var prompt: String
    /// nil starts a new session.
    public var resumeThreadID: String?
    /// Images that go with the prompt (absolute paths).
    public var images: [String]

    public init(repoPath: String, prompt: String, resumeThreadID: String? = nil, images: [String] = []) {
        self.images = images
        self.repoPath = repoPath
        self.prompt = prompt
        self.resumeThreadID = resumeThreadID
    }
}
