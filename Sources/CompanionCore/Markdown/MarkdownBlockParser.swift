import Foundation

/// Splits Markdown into blocks as CommonMark does (spec 0.31, section 4-5), for the constructs models
/// write: fenced and indented code, ATX and setext headings, thematic breaks, block quotes, bullet and
/// ordered lists (nested, with lazy continuation lines), GFM tables and paragraphs. HTML blocks are not
/// recognised (raw HTML stays text), and neither are link reference definitions.
public enum MarkdownBlockParser {
    public static func parse(_ source: String) -> [MarkdownBlock] {
        let normalised = source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return blocks(normalised.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    static func blocks(_ lines: [String]) -> [MarkdownBlock] {
        var result: [MarkdownBlock] = []
        var paragraph: [String] = []
        func flush() {
            guard !paragraph.isEmpty else { return }
            var text = paragraph.joined(separator: "\n")
            while text.last?.isWhitespace == true { text.removeLast() }
            result.append(.paragraph(MarkdownInlineParser.parse(text)))
            paragraph = []
        }
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if isBlank(line) {
                flush()
                index += 1
                continue
            }
            let indent = indentation(of: line)
            let content = strip(line, columns: indent)
            if indent >= 4 {
                if !paragraph.isEmpty {
                    paragraph.append(content)
                    index += 1
                    continue
                }
                var code: [String] = []
                var end = index
                while end < lines.count, isBlank(lines[end]) || indentation(of: lines[end]) >= 4 {
                    code.append(strip(lines[end], columns: 4))
                    end += 1
                }
                while let last = code.last, isBlank(last) { code.removeLast() }
                result.append(.code(info: "", text: code.joined(separator: "\n")))
                index = end
                continue
            }
            if let fence = Fence(opening: content) {
                flush()
                var code: [String] = []
                var end = index + 1
                while end < lines.count {
                    let candidate = lines[end]
                    let candidateIndent = indentation(of: candidate)
                    end += 1
                    if candidateIndent <= 3, fence.isClosed(by: strip(candidate, columns: candidateIndent)) { break }
                    code.append(strip(candidate, columns: indent))
                }
                result.append(.code(info: fence.info, text: code.joined(separator: "\n")))
                index = end
                continue
            }
            if let (level, text) = atxHeading(content) {
                flush()
                result.append(.heading(level: level, MarkdownInlineParser.parse(text)))
                index += 1
                continue
            }
            if !paragraph.isEmpty, let level = setextLevel(content) {
                let text = paragraph.joined(separator: "\n").trimmingCharacters(in: .whitespaces)
                paragraph = []
                result.append(.heading(level: level, MarkdownInlineParser.parse(text)))
                index += 1
                continue
            }
            if isThematicBreak(content) {
                flush()
                result.append(.thematicBreak)
                index += 1
                continue
            }
            if content.hasPrefix(">") {
                flush()
                let (quote, end) = blockQuote(lines, from: index)
                result.append(.quote(blocks(quote)))
                index = end
                continue
            }
            if let marker = ListMarker(line, interruptingParagraph: !paragraph.isEmpty) {
                flush()
                let (list, end) = self.list(lines, from: index, first: marker)
                result.append(list)
                index = end
                continue
            }
            if isTableStart(lines, at: index) {
                flush()
                let (table, end) = self.table(lines, from: index)
                result.append(table)
                index = end
                continue
            }
            paragraph.append(content)
            index += 1
        }
        flush()
        return result
    }

    // MARK: - Containers

    private static func blockQuote(_ lines: [String], from start: Int) -> ([String], Int) {
        var inner: [String] = []
        var index = start
        while index < lines.count, !isBlank(lines[index]) {
            let indent = indentation(of: lines[index])
            let content = strip(lines[index], columns: indent)
            if indent <= 3, content.hasPrefix(">") {
                var rest = String(content.dropFirst())
                if rest.hasPrefix(" ") || rest.hasPrefix("\t") { rest.removeFirst() }
                inner.append(rest)
            } else if let last = inner.last, !isBlank(last), !startsBlock(content, indent: indent) {
                inner.append(content)  // a lazy continuation of the quoted paragraph
            } else {
                break
            }
            index += 1
        }
        return (inner, index)
    }

    private static func list(_ lines: [String], from start: Int, first: ListMarker) -> (MarkdownBlock, Int) {
        var items: [[String]] = []
        var current = [first.firstLine]
        var contentIndent = first.contentIndent
        var index = start + 1
        while index < lines.count {
            let line = lines[index]
            if isBlank(line) {
                current.append("")
                index += 1
                continue
            }
            let indent = indentation(of: line)
            if indent >= contentIndent {
                current.append(strip(line, columns: contentIndent))
                index += 1
                continue
            }
            let content = strip(line, columns: indent)
            if indent <= 3, !isThematicBreak(content), let marker = ListMarker(line, interruptingParagraph: false),
                marker.continues(first)
            {
                items.append(current)
                current = [marker.firstLine]
                contentIndent = marker.contentIndent
                index += 1
                continue
            }
            if let last = current.last, !isBlank(last), !startsBlock(content, indent: indent) {
                current.append(content)  // a lazy continuation line
                index += 1
                continue
            }
            break
        }
        items.append(current)
        let parsed = items.map { item -> [MarkdownBlock] in
            var lines = item
            while let last = lines.last, isBlank(last) { lines.removeLast() }
            return blocks(lines)
        }
        return (.list(ordered: first.ordered, start: first.number, items: parsed), index)
    }

    private static func table(_ lines: [String], from start: Int) -> (MarkdownBlock, Int) {
        let header = cells(lines[start]).map(MarkdownInlineParser.parse)
        var rows: [[[MarkdownInline]]] = []
        var index = start + 2
        while index < lines.count, !isBlank(lines[index]), lines[index].contains("|") {
            rows.append(cells(lines[index]).map(MarkdownInlineParser.parse))
            index += 1
        }
        return (.table(header: header, rows: rows), index)
    }

    // MARK: - Line tests

    static func isBlank(_ line: String) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// Leading whitespace in columns (a tab advances to the next multiple of 4).
    static func indentation(of line: String) -> Int {
        var columns = 0
        for character in line {
            if character == " " { columns += 1 } else if character == "\t" { columns += 4 - columns % 4 } else { break }
        }
        return columns
    }

    /// `line` without up to `columns` columns of leading whitespace; a tab that overshoots leaves spaces.
    static func strip(_ line: String, columns: Int) -> String {
        var removed = 0
        var index = line.startIndex
        while index < line.endIndex, removed < columns {
            let character = line[index]
            if character == " " {
                removed += 1
            } else if character == "\t" {
                let width = 4 - removed % 4
                if removed + width > columns {
                    return String(repeating: " ", count: removed + width - columns) + line[line.index(after: index)...]
                }
                removed += width
            } else {
                break
            }
            index = line.index(after: index)
        }
        return String(line[index...])
    }

    private static func startsBlock(_ content: String, indent: Int) -> Bool {
        indent <= 3
            && (Fence(opening: content) != nil || atxHeading(content) != nil || isThematicBreak(content)
                || content.hasPrefix(">") || ListMarker(content, interruptingParagraph: true) != nil)
    }

    private static func atxHeading(_ content: String) -> (Int, String)? {
        let hashes = content.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = content.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingCharacters(in: .whitespaces)
        // An optional closing sequence: spaces, then only #s.
        if let last = text.lastIndex(where: { $0 != "#" }) {
            if last < text.index(before: text.endIndex), text[last] == " " || text[last] == "\t" {
                text = String(text[...last]).trimmingCharacters(in: .whitespaces)
            }
        } else {
            text = ""
        }
        return (hashes, text)
    }

    private static func setextLevel(_ content: String) -> Int? {
        let trimmed = content.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.allSatisfy({ $0 == "=" }) { return 1 }
        if trimmed.allSatisfy({ $0 == "-" }) { return 2 }
        return nil
    }

    static func isThematicBreak(_ content: String) -> Bool {
        let marks = content.filter { $0 != " " && $0 != "\t" }
        guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    private static func isTableStart(_ lines: [String], at index: Int) -> Bool {
        guard index + 1 < lines.count, lines[index].contains("|") else { return false }
        let delimiter = lines[index + 1].trimmingCharacters(in: .whitespaces)
        guard delimiter.contains("-"), delimiter.allSatisfy({ "|:- \t".contains($0) }) else { return false }
        let columns = cells(lines[index + 1])
        guard columns.allSatisfy({ cell in cell.contains("-") }) else { return false }
        return cells(lines[index]).count == columns.count
    }

    /// A table row's cells: split on `|` outside code spans and not escaped, outer pipes dropped.
    static func cells(_ line: String) -> [String] {
        var trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("|") { trimmed.removeFirst() }
        if trimmed.hasSuffix("|") && !trimmed.hasSuffix("\\|") { trimmed.removeLast() }
        var cells: [String] = []
        var cell = ""
        var inCode = false
        var previous: Character?
        for character in trimmed {
            if character == "`" { inCode.toggle() }
            if character == "|" && !inCode && previous != "\\" {
                cells.append(cell.trimmingCharacters(in: .whitespaces))
                cell = ""
            } else {
                cell.append(character)
            }
            previous = character
        }
        cells.append(cell.trimmingCharacters(in: .whitespaces))
        return cells
    }
}

/// An opening code fence: three or more backticks or tildes, and an info string.
private struct Fence {
    let character: Character
    let length: Int
    let info: String

    init?(opening content: String) {
        guard let first = content.first, first == "`" || first == "~" else { return nil }
        let length = content.prefix { $0 == first }.count
        guard length >= 3 else { return nil }
        let info = content.dropFirst(length).trimmingCharacters(in: .whitespaces)
        // A backtick fence's info string cannot contain a backtick (that line is inline code).
        if first == "`" && info.contains("`") { return nil }
        character = first
        self.length = length
        self.info = info
    }

    func isClosed(by content: String) -> Bool {
        let run = content.prefix { $0 == character }.count
        return run >= length && content.dropFirst(run).allSatisfy { $0 == " " || $0 == "\t" }
    }
}

/// A list item's marker: `-`, `+`, `*`, or `1.` / `1)`, and where the item's content starts.
private struct ListMarker {
    let ordered: Bool
    /// The bullet character, or the ordered delimiter (`.` or `)`).
    let symbol: Character
    let number: Int
    let contentIndent: Int
    let firstLine: String

    init?(_ line: String, interruptingParagraph: Bool) {
        let indent = MarkdownBlockParser.indentation(of: line)
        guard indent <= 3 else { return nil }
        let content = MarkdownBlockParser.strip(line, columns: indent)
        var markerWidth: Int
        if let first = content.first, "-+*".contains(first) {
            ordered = false
            symbol = first
            number = 1
            markerWidth = 1
        } else {
            let digits = content.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count), let number = Int(digits) else { return nil }
            let delimiter = content.dropFirst(digits.count).first
            guard let delimiter, delimiter == "." || delimiter == ")" else { return nil }
            ordered = true
            symbol = delimiter
            self.number = number
            markerWidth = digits.count + 1
        }
        let rest = content.dropFirst(markerWidth)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let restText = String(rest)
        if interruptingParagraph {
            // CommonMark: only a non-empty item interrupts a paragraph, and an ordered one only if it starts at 1.
            guard !MarkdownBlockParser.isBlank(restText), !ordered || number == 1 else { return nil }
        }
        let spaces = MarkdownBlockParser.indentation(of: restText)
        if MarkdownBlockParser.isBlank(restText) {
            contentIndent = indent + markerWidth + 1
            firstLine = ""
        } else if spaces > 4 {
            // Content that starts as indented code: the item's indent is one space after the marker.
            contentIndent = indent + markerWidth + 1
            firstLine = MarkdownBlockParser.strip(restText, columns: 1)
        } else {
            contentIndent = indent + markerWidth + spaces
            firstLine = MarkdownBlockParser.strip(restText, columns: spaces)
        }
    }

    /// The next item of the same list: same kind, same bullet or delimiter.
    func continues(_ other: ListMarker) -> Bool {
        ordered == other.ordered && symbol == other.symbol
    }
}
