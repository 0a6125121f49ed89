/// Codex's daemon (0.151+) resumes a turn its own restart interrupted: it starts a turn by itself with a
/// fixed message in the user's place. That message is Codex's, never the person's, wherever it shows.
public enum CodexRecovery {
    /// How the daemon's message begins (0.163: "The server restarted and interrupted the previous turn.
    /// Continue the unfinished work from the saved conversation. …").
    public static let promptStart = "The server restarted and interrupted the previous turn."

    /// What views show in its place.
    public static let shownAs = "Codex restarted and resumed the interrupted work by itself."

    /// Whether a user message is the daemon's, not the person's.
    public static func isRecoveryPrompt(_ text: String) -> Bool {
        text.hasPrefix(promptStart)
    }
}
