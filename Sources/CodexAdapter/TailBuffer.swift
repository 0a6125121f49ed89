/// Keeps the last lines of a stream, bounded in lines and characters, for the task record.
struct TailBuffer {
    private var lines: [String] = []
    private let maxLines: Int
    private let maxLineLength: Int

    init(maxLines: Int = 40, maxLineLength: Int = 2000) {
        self.maxLines = maxLines
        self.maxLineLength = maxLineLength
    }

    mutating func append(_ line: String) {
        let trimmed = line.hasSuffix("\n") ? String(line.dropLast()) : line
        lines.append(trimmed.count > maxLineLength ? String(trimmed.prefix(maxLineLength)) + "…" : trimmed)
        if lines.count > maxLines { lines.removeFirst(lines.count - maxLines) }
    }

    var text: String { lines.joined(separator: "\n") }
}
