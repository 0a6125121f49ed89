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

    /// A short, actionable explanation of a fatal error in stderr, or the raw error line.
    public static func explain(stderr: String) -> String? {
        guard let line = errorLine(in: stderr) else { return nil }
        if line.contains("no rollout found for thread id") {
            return "Codex has no session with that id (it may have been deleted or archived). Start a new one."
        }
        if line.contains("already has an active writer") {
            return "That session is open in another Codex process. Finish or close it there, or start a new session."
        }
        if line.contains("Not inside a trusted directory") {
            return "Codex only works inside a git repository: run `git init` in the project folder."
        }
        return line
    }

    /// Removes the backtrace block Codex prints after a fatal error.
    public static func withoutBacktrace(_ stderr: String) -> String {
        var kept: [Substring] = []
        var inBacktrace = false
        for line in stderr.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Stack backtrace:") { inBacktrace = true; continue }
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
