/// Picks the meaningful line out of Codex's stderr and explains the errors a user can act on.
public enum CodexErrorText {
    /// The `Error: …` line without the backtrace that follows it, or a known plain-text failure line.
    public static func errorLine(in stderr: String) -> String? {
        let lines = stderr.split(whereSeparator: \.isNewline).map(String.init)
        if let line = lines.last(where: { $0.hasPrefix("Error:") }) {
            return line
        }
        return lines.last { line in
            line.contains("Not inside a trusted directory") || line.hasPrefix("error:")
        }
    }

    /// A turn's failure message (`turn.failed`): one actionable line for the failures a user can fix,
    /// else Codex's own words, marked as such.
    public static func explain(failure message: String) -> String {
        let lowered = message.lowercased()
        if [
            "stream disconnected before completion", "error sending request for url", "failed to lookup address",
            "connection refused", "dns error", "network is unreachable",
        ].contains(where: lowered.contains) {
            return "Codex could not reach the model (no network, or never logged in). Check the connection, "
                + "and run `codex login` in a terminal if `codex login status` says you are not logged in."
        }
        if lowered.contains("401 unauthorized") || lowered.contains("not logged in") {
            return "The model service refused Codex's credentials: run `codex login` in a terminal, then send it again."
        }
        if lowered.contains("last status: 429") || lowered.contains("429 too many requests") {
            return "The model service is rate limiting Codex (429). Wait a few minutes, then send it again."
        }
        // The app-server engine reports these as the turn's failure; exec prints them on stderr.
        return sessionProblem(message) ?? "Codex said: \(message)"
    }

    /// The session errors both engines can meet: an unknown id, or a session another process is writing.
    private static func sessionProblem(_ text: String) -> String? {
        if text.contains("no rollout found for thread id") {
            return "Codex has no session with that id (it may have been deleted or archived). Start a new one."
        }
        if text.contains("already has an active writer") {
            return "That session is open in another Codex process. Finish or close it there, or start a new session."
        }
        return nil
    }

    /// A short, actionable explanation of a fatal error in stderr, or the raw error line.
    public static func explain(stderr: String) -> String? {
        guard let line = errorLine(in: stderr) else { return nil }
        if let known = sessionProblem(line) { return known }
        if line.contains("Not inside a trusted directory") {
            return "Codex only works inside a git repository: run `git init` in the project folder."
        }
        if line.contains("CODEX_HOME points to") {
            return "Codex's home folder (CODEX_HOME) does not exist: fix CODEX_HOME or codex.home (`codex-companion doctor` shows it)."
        }
        return "Codex said: \(line)"
    }

    /// Removes the backtrace block Codex prints after a fatal error.
    public static func withoutBacktrace(_ stderr: String) -> String {
        var kept: [Substring] = []
        var inBacktrace = false
        for line in stderr.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Stack backtrace:") {
                inBacktrace = true
                continue
            }
            if inBacktrace {
                let trimmed = line.drop { $0 == " " }
                if trimmed.first?.isNumber == true || trimmed.hasPrefix("at ") || trimmed.isEmpty { continue }
                inBacktrace = false
            }
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }
}
