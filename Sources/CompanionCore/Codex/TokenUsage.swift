/// Token counts as Codex reports them in `turn.completed`.
public struct TokenUsage: Sendable, Equatable, Codable {
    public var inputTokens: Int
    public var cachedInputTokens: Int
    public var outputTokens: Int
    public var reasoningOutputTokens: Int

    public init(inputTokens: Int = 0, cachedInputTokens: Int = 0, outputTokens: Int = 0, reasoningOutputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.cachedInputTokens = cachedInputTokens
        self.outputTokens = outputTokens
        self.reasoningOutputTokens = reasoningOutputTokens
    }

    public static let zero = TokenUsage()

    public var total: Int { inputTokens + outputTokens }

    /// This turn's share of a cumulative total. Codex reports the thread's running total, so a turn's
    /// own usage is the difference from the total before it started (never negative).
    public func since(_ earlier: TokenUsage) -> TokenUsage {
        TokenUsage(
            inputTokens: max(0, inputTokens - earlier.inputTokens),
            cachedInputTokens: max(0, cachedInputTokens - earlier.cachedInputTokens),
            outputTokens: max(0, outputTokens - earlier.outputTokens),
            reasoningOutputTokens: max(0, reasoningOutputTokens - earlier.reasoningOutputTokens))
    }
}
