/// Splits text into chunks Telegram accepts (at most 4096 code points each), cutting at paragraph,
/// then line boundaries, and closing and reopening ``` code fences across chunks.
public struct MessageSplitter: Sendable {
    /// Code points per chunk, with room left for fence markers and the "(2/3)" label.
    public var budget: Int
    /// Adds "(2/3)" to each chunk when there are several.
    public var labelled: Bool

    public init(budget: Int = 3500, labelled: Bool = true) {
        self.budget = budget
        self.labelled = labelled
    }

    public func split(_ text: String) -> [String] {
        guard text.unicodeScalars.count > budget else { return text.isEmpty ? [] : [text] }
        var chunks: [String] = []
        var current: [String] = []
        var currentSize = 0
        var openFence: String?  // the fence line that opened the code block we are in, if any
        var fenceAtChunkStart: String?

        func flush() {
            var body = current.joined(separator: "\n")
            if let fence = fenceAtChunkStart { body = fence + "\n" + body }
            if openFence != nil { body += "\n```" }
            if !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { chunks.append(body) }
            current = []
            currentSize = 0
            fenceAtChunkStart = openFence
        }

        for line in Self.lines(text, maxLength: budget - 20) {
            let size = line.unicodeScalars.count + 1
            let reserve = (fenceAtChunkStart?.unicodeScalars.count ?? 0) + 5
            if currentSize + size + reserve > budget && !current.isEmpty {
                flush()
            }
            current.append(line)
            currentSize += size
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                openFence = openFence == nil ? line.trimmingCharacters(in: .whitespaces) : nil
            }
            // Prefer to end a chunk at a paragraph break once it is reasonably full.
            if line.isEmpty && currentSize > budget * 3 / 4 && openFence == nil { flush() }
        }
        if !current.isEmpty { flush() }
        guard chunks.count > 1, labelled else { return chunks }
        return chunks.enumerated().map { index, chunk in "\(chunk)\n(\(index + 1)/\(chunks.count))" }
    }

    /// The text's lines, with any line longer than `maxLength` code points cut into pieces.
    static func lines(_ text: String, maxLength: Int) -> [String] {
        var result: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var scalars = Substring(line).unicodeScalars[...]
            if scalars.isEmpty {
                result.append("")
                continue
            }
            while !scalars.isEmpty {
                let piece = scalars.prefix(maxLength)
                result.append(String(String.UnicodeScalarView(piece)))
                scalars = scalars.dropFirst(piece.count)
            }
        }
        return result
    }
}
