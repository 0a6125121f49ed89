/// A prompt shortened for a status line: its first line, cut with an ellipsis.
public enum PromptPreview {
    public static func firstLine(_ text: String, limit: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }
}
