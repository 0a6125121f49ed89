/// A prompt shortened for a status line: its first line, cut with an ellipsis.
public enum PromptPreview {
    public static func firstLine(_ text: String, limit: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }

    /// The prompt's first two lines (blank ones skipped), at most `limit` characters in all.
    public static func opening(_ text: String, limit: Int = 160) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shown = lines.prefix(2).joined(separator: "\n")
        let cut = lines.count > 2 || shown.count > limit
        if shown.count > limit { shown = String(shown.prefix(limit - 1)) }
        return cut ? shown + "…" : shown
    }
}
