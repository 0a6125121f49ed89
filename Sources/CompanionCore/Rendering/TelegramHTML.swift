/// Turns the companion's plain text (with ``` fences and `inline code`) into Telegram HTML that cannot
/// fail to parse: everything is escaped, and only <b>, <pre>, <code> tags are produced, always balanced.
public enum TelegramHTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `boldFirstLine` makes a summary's headline stand out.
    public static func render(_ text: String, boldFirstLine: Bool = false) -> String {
        var output: [String] = []
        var inFence = false
        var fenceLines: [String] = []
        var fenceLanguage = ""
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                if inFence {
                    output.append(codeBlock(fenceLines, language: fenceLanguage))
                    fenceLines = []
                    inFence = false
                } else {
                    inFence = true
                    fenceLanguage = String(trimmed.dropFirst(3)).filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" }
                }
                continue
            }
            if inFence {
                fenceLines.append(String(line))
            } else if index == 0 && boldFirstLine {
                output.append("<b>\(escape(String(line)))</b>")
            } else {
                output.append(inlineCode(String(line)))
            }
        }
        if inFence { output.append(codeBlock(fenceLines, language: fenceLanguage)) }
        return output.joined(separator: "\n")
    }

    private static func codeBlock(_ lines: [String], language: String) -> String {
        let body = escape(lines.joined(separator: "\n"))
        if language.isEmpty { return "<pre>\(body)</pre>" }
        return "<pre><code class=\"language-\(language)\">\(body)</code></pre>"
    }

    /// `code` spans on one line become <code>; an unpaired backtick stays a literal backtick.
    private static func inlineCode(_ line: String) -> String {
        let parts = line.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return escape(line) }
        var out = ""
        let pairedCount = parts.count % 2 == 1 ? parts.count : parts.count - 1
        for (index, part) in parts.enumerated() {
            if index >= pairedCount {
                out += "`" + escape(String(part))
            } else if index % 2 == 1 {
                out += part.isEmpty ? "``" : "<code>\(escape(String(part)))</code>"
            } else {
                out += escape(String(part))
            }
        }
        return out
    }
}
