/// Colours a unified diff (`git diff` output, the same patch as `/diff`) for the task page: added lines
/// green, removed lines red, hunk headers and file headers set apart. Every line is escaped; a very long
/// diff is cut with a note, since the browser has to lay out every line.
enum DiffHTML {
    /// The kind of a diff line, also its CSS class.
    enum Kind: String {
        case file, hunk, add = "add", del = "del", context = "ctx"
    }

    static let maxLines = 4000

    static func html(from diff: String) -> String {
        var lines = diff.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var output = "<pre class=\"diff\">"
        var reader = Reader()
        for line in lines.prefix(maxLines) {
            let kind = reader.kind(line)
            output += "<span class=\"\(kind.rawValue)\">\(HTMLText.escape(line))</span>"
        }
        output += "</pre>"
        if lines.count > maxLines {
            output += "<p class=\"muted\">… \(lines.count - maxLines) more lines not shown.</p>"
        }
        return output
    }

    /// Reads a diff line by line. Inside a hunk the counts of its `@@ -a,b +c,d @@` header say how many
    /// old and new lines follow, so a removed line that reads `-- x` is not taken for a file header.
    struct Reader {
        private var oldLeft = 0
        private var newLeft = 0
        /// After a hunk header without counts (`@@` alone, as in Codex's own patches): every `+`/`-`
        /// line is a change until the next file.
        private var loose = false

        mutating func kind(_ line: String) -> Kind {
            if loose, !line.hasPrefix("diff "), !line.hasPrefix("@@") {
                return line.hasPrefix("+") ? .add : line.hasPrefix("-") ? .del : .context
            }
            if oldLeft > 0 || newLeft > 0 {
                // Inside a hunk only these start a line; anything else means the counts were wrong.
                if line.hasPrefix("+") {
                    newLeft -= 1
                    return .add
                }
                if line.hasPrefix("-") {
                    oldLeft -= 1
                    return .del
                }
                if line.hasPrefix(" ") || line.isEmpty {
                    oldLeft -= 1
                    newLeft -= 1
                    return .context
                }
                if line.hasPrefix("\\") { return .context }  // "\ No newline at end of file"
                (oldLeft, newLeft) = (0, 0)
            }
            loose = false
            if line.hasPrefix("@@") {
                if let (old, new) = Self.hunkCounts(line) {
                    (oldLeft, newLeft) = (old, new)
                } else {
                    loose = true
                }
                return .hunk
            }
            if line.hasPrefix("+") || line.hasPrefix("-") || line.hasPrefix("diff ") || line.hasPrefix("index ")
                || line.hasPrefix("new file") || line.hasPrefix("deleted file") || line.hasPrefix("similarity")
                || line.hasPrefix("rename ") || line.hasPrefix("old mode") || line.hasPrefix("new mode") || line.hasPrefix("Binary")
            {
                return .file
            }
            return .context
        }

        /// `@@ -3,7 +3,8 @@ …` gives (7, 8); a count left out is 1; nil when the header has no ranges.
        static func hunkCounts(_ line: String) -> (Int, Int)? {
            let fields = line.split(separator: " ")
            func count(_ prefix: Character) -> Int? {
                guard let field = fields.first(where: { $0.first == prefix && $0.count > 1 }) else { return nil }
                let parts = field.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
                guard Int(parts[0]) != nil else { return nil }
                return parts.count > 1 ? Int(parts[1]) : 1
            }
            guard let old = count("-"), let new = count("+") else { return nil }
            return (old, new)
        }
    }

    /// "+12 −3" over the whole diff, for the heading.
    static func counts(_ diff: String) -> (added: Int, removed: Int) {
        var reader = Reader()
        var added = 0
        var removed = 0
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false) {
            switch reader.kind(String(line)) {
            case .add: added += 1
            case .del: removed += 1
            default: break
            }
        }
        return (added, removed)
    }
}
