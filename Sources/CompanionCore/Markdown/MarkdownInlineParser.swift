/// Parses the inline content of one block the way CommonMark does (spec 0.31, section 6): backslash
/// escapes, entities, code spans, autolinks, links and images, and emphasis by the delimiter-run
/// algorithm with its left- and right-flanking rules. Raw HTML is not recognised: it stays text.
///
/// One deliberate rule beyond CommonMark, for answers full of code talk: a `*`, `_` or `~~` run with a
/// letter or digit earlier in the same word cannot open emphasis, and one with a letter or digit later
/// in the same word cannot close it. So `snake_case_name`, `__init__.py`, `path/__init__.py`,
/// `src/*.swift and tests/*.swift` and `a*b*c` are shown exactly as written, while `_this_`, `**bold**,`
/// and `(*see*)` are still emphasis. Likewise `__name__` around a single identifier (Python's dunder
/// names) stays literal, while `__two words__` is strong.
struct MarkdownInlineParser {
    private enum Piece {
        case text(String)
        case node(MarkdownInline)
        case delimiter(Int)
    }

    private enum Wrap {
        case emphasis, strong, strikethrough
    }

    private struct DelimiterRun {
        var character: Character
        var length: Int
        var canOpen: Bool
        var canClose: Bool
        var remaining: Int
        /// Where the run stands among the pieces.
        var piece: Int
        /// Emphasis this run opens (in match order: each later match is outer) or closes (inner first).
        var opens: [(wrap: Wrap, id: Int)] = []
        var closes: [(wrap: Wrap, id: Int)] = []
    }

    private let characters: [Character]
    private var pieces: [Piece] = []
    private var runs: [DelimiterRun] = []
    private var text = ""

    static func parse(_ source: String) -> [MarkdownInline] {
        var parser = MarkdownInlineParser(characters: Array(source))
        return parser.run()
    }

    private init(characters: [Character]) {
        self.characters = characters
    }

    private mutating func run() -> [MarkdownInline] {
        var index = 0
        while index < characters.count {
            index = step(at: index)
        }
        flushText()
        matchEmphasis()
        return assemble()
    }

    /// Handles the construct starting at `index` and returns where the next one starts.
    private mutating func step(at index: Int) -> Int {
        let character = characters[index]
        switch character {
        case "\\":
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if let next, next == "\n" {
                trimTrailingSpaces()
                append(node: .lineBreak)
                return index + 2
            }
            if let next, Self.isASCIIPunctuation(next) {
                text.append(next)
                return index + 2
            }
            text.append("\\")
            return index + 1
        case "`":
            return codeSpan(at: index)
        case "&":
            if let (decoded, end) = MarkdownEntities.decode(characters, at: index) {
                text += decoded
                return end
            }
            text.append("&")
            return index + 1
        case "<":
            if let (link, end) = autolink(at: index) {
                append(node: link)
                return end
            }
            text.append("<")
            return index + 1
        case "!" where index + 1 < characters.count && characters[index + 1] == "[":
            if let (label, destination, end) = link(at: index + 1) {
                append(node: .image(source: destination, alt: Self.plainText(Self.parse(label))))
                return end
            }
            text.append("!")
            return index + 1
        case "[":
            if let (label, destination, end) = link(at: index) {
                append(node: .link(destination: destination, Self.parse(label)))
                return end
            }
            text.append("[")
            return index + 1
        case "*", "_", "~":
            return delimiterRun(at: index)
        case "\n":
            // Two spaces before a line end make a hard break; a plain line end is kept as written.
            let hard = text.hasSuffix("  ")
            trimTrailingSpaces()
            if hard { append(node: .lineBreak) } else { text.append("\n") }
            var next = index + 1
            while next < characters.count, characters[next] == " " { next += 1 }
            return next
        default:
            text.append(character)
            return index + 1
        }
    }

    // MARK: - Code spans, autolinks, links

    private mutating func codeSpan(at index: Int) -> Int {
        let length = runLength(at: index, of: "`")
        var search = index + length
        while search < characters.count {
            if characters[search] == "`" {
                let closing = runLength(at: search, of: "`")
                if closing == length {
                    var content = String(characters[(index + length)..<search]).replacingOccurrences(of: "\n", with: " ")
                    if content.count >= 2, content.hasPrefix(" "), content.hasSuffix(" "), content.contains(where: { $0 != " " }) {
                        content = String(content.dropFirst().dropLast())
                    }
                    append(node: .code(content))
                    return search + closing
                }
                search += closing
            } else {
                search += 1
            }
        }
        // No closing run of the same length: the backticks are text.
        text += String(repeating: "`", count: length)
        return index + length
    }

    /// `<https://…>`, `<mailto:…>` or `<name@host>`.
    private func autolink(at index: Int) -> (MarkdownInline, Int)? {
        var end = index + 1
        while end < characters.count, characters[end] != ">" {
            if characters[end] == "<" || characters[end].isWhitespace { return nil }
            end += 1
        }
        guard end < characters.count, end > index + 1 else { return nil }
        let content = String(characters[(index + 1)..<end])
        if let colon = content.firstIndex(of: ":"), content.distance(from: content.startIndex, to: colon) >= 2,
            content[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }),
            content.first?.isLetter == true
        {
            return (.link(destination: content, [.text(content)]), end + 1)
        }
        let parts = content.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            content.allSatisfy({ $0.isASCII && !$0.isWhitespace })
        {
            return (.link(destination: "mailto:" + content, [.text(content)]), end + 1)
        }
        return nil
    }

    /// `[label](destination "title")` starting at the `[`: the label's source, the destination and the end.
    private func link(at index: Int) -> (String, String, Int)? {
        var depth = 0
        var close = index
        while close < characters.count {
            switch characters[close] {
            case "\\": close += 1
            case "`":
                // A code span inside the label hides its brackets.
                let length = runLength(at: close, of: "`")
                var search = close + length
                while search < characters.count, !(characters[search] == "`" && runLength(at: search, of: "`") == length) { search += 1 }
                if search < characters.count { close = search + length - 1 } else { close += length - 1 }
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { break }
            default: break
            }
            if depth == 0 && characters[close] == "]" { break }
            close += 1
        }
        guard close < characters.count, close + 1 < characters.count, characters[close + 1] == "(" else { return nil }
        var position = close + 2
        while position < characters.count, characters[position] == " " || characters[position] == "\n" { position += 1 }
        var destination = ""
        if position < characters.count, characters[position] == "<" {
            position += 1
            while position < characters.count, characters[position] != ">" {
                if characters[position] == "\n" || characters[position] == "<" { return nil }
                destination.append(characters[position])
                position += 1
            }
            guard position < characters.count else { return nil }
            position += 1
        } else {
            var parentheses = 0
            while position < characters.count {
                let character = characters[position]
                if character.isWhitespace { break }
                if character == "(" { parentheses += 1 }
                if character == ")" {
                    if parentheses == 0 { break }
                    parentheses -= 1
                }
                if character == "\\", position + 1 < characters.count, Self.isASCIIPunctuation(characters[position + 1]) {
                    position += 1
                }
                destination.append(characters[position])
                position += 1
            }
        }
        while position < characters.count, characters[position] == " " || characters[position] == "\n" { position += 1 }
        if position < characters.count, let quote = Self.titleClose[characters[position]] {
            position += 1
            while position < characters.count, characters[position] != quote { position += 1 }
            guard position < characters.count else { return nil }
            position += 1
            while position < characters.count, characters[position] == " " || characters[position] == "\n" { position += 1 }
        }
        guard position < characters.count, characters[position] == ")" else { return nil }
        return (String(characters[(index + 1)..<close]), destination, position + 1)
    }

    private static let titleClose: [Character: Character] = ["\"": "\"", "'": "'", "(": ")"]

    // MARK: - Emphasis

    private mutating func delimiterRun(at index: Int) -> Int {
        let character = characters[index]
        let length = runLength(at: index, of: character)
        let end = index + length
        // GFM strikethrough takes exactly two tildes; a lone `~` (as in `~/path`) is text.
        guard character != "~" || length == 2 else {
            text += String(repeating: "~", count: length)
            return end
        }
        let before = index > 0 ? characters[index - 1] : nil
        let after = end < characters.count ? characters[end] : nil
        let leftFlanking =
            !Self.isWhitespace(after) && (!Self.isPunctuation(after) || Self.isWhitespace(before) || Self.isPunctuation(before))
        let rightFlanking =
            !Self.isWhitespace(before) && (!Self.isPunctuation(before) || Self.isWhitespace(after) || Self.isPunctuation(after))
        var canOpen = leftFlanking
        var canClose = rightFlanking
        if character == "_" {
            canOpen = leftFlanking && (!rightFlanking || Self.isPunctuation(before))
            canClose = rightFlanking && (!leftFlanking || Self.isPunctuation(after))
        }
        canOpen = canOpen && !wordContinues(from: index - 1, step: -1)
        canClose = canClose && !wordContinues(from: end, step: 1)
        guard canOpen || canClose else {
            text += String(repeating: character, count: length)
            return end
        }
        flushText()
        runs.append(
            DelimiterRun(
                character: character, length: length, canOpen: canOpen, canClose: canClose, remaining: length,
                piece: pieces.count))
        pieces.append(.delimiter(runs.count - 1))
        return end
    }

    /// True when a letter or digit follows (or precedes) within the same word: the run is inside it.
    private func wordContinues(from start: Int, step: Int) -> Bool {
        var position = start
        while position >= 0 && position < characters.count {
            let character = characters[position]
            if character.isWhitespace { return false }
            if character.isLetter || character.isNumber { return true }
            position += step
        }
        return false
    }

    /// CommonMark's "process emphasis": each closer, left to right, takes the nearest usable opener.
    private mutating func matchEmphasis() {
        var nextID = 0
        for closer in runs.indices where runs[closer].canClose {
            while runs[closer].remaining > 0 {
                guard let opener = opener(for: closer) else { break }
                if isDunderName(opener: opener, closer: closer) {
                    // `__name__` is a name, not emphasis: both runs stay text, and nothing earlier pairs across it.
                    runs[opener].canOpen = false
                    runs[closer].canClose = false
                    break
                }
                let use = runs[closer].character == "~" ? 2 : (runs[opener].remaining >= 2 && runs[closer].remaining >= 2 ? 2 : 1)
                let wrap: Wrap = runs[closer].character == "~" ? .strikethrough : (use == 2 ? .strong : .emphasis)
                runs[opener].opens.append((wrap, nextID))
                runs[closer].closes.append((wrap, nextID))
                nextID += 1
                runs[opener].remaining -= use
                runs[closer].remaining -= use
                // Delimiters between the two can no longer match anything: they are text.
                for between in (opener + 1)..<closer {
                    runs[between].canOpen = false
                    runs[between].canClose = false
                }
            }
        }
    }

    private func opener(for closer: Int) -> Int? {
        let closing = runs[closer]
        var candidate = closer - 1
        while candidate >= 0 {
            let run = runs[candidate]
            if run.character == closing.character, run.canOpen, run.remaining > 0 {
                if run.character == "~" {
                    if run.remaining == 2 { return candidate }
                } else {
                    // The rule of 3: a run that can both open and close pairs only when the lengths allow it.
                    let both = run.canClose || closing.canOpen
                    let multipleOfThree = (run.length + closing.length) % 3 == 0 && !(run.length % 3 == 0 && closing.length % 3 == 0)
                    if !(both && multipleOfThree) { return candidate }
                }
            }
            candidate -= 1
        }
        return nil
    }

    /// `__name__`: double underscores around nothing but one identifier, as in Python's `__init__`.
    private func isDunderName(opener: Int, closer: Int) -> Bool {
        guard runs[opener].character == "_", runs[opener].length == 2, runs[closer].length == 2 else { return false }
        let between = pieces[(runs[opener].piece + 1)..<runs[closer].piece]
        guard between.count == 1, case .text(let word) = between.first! else { return false }
        return !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Builds the tree from the pieces and the matches.
    private func assemble() -> [MarkdownInline] {
        var stack: [(wrap: Wrap?, id: Int, children: [MarkdownInline])] = [(nil, -1, [])]
        func add(_ node: MarkdownInline) {
            if case .text(let new) = node, case .text(let old)? = stack[stack.count - 1].children.last {
                stack[stack.count - 1].children[stack[stack.count - 1].children.count - 1] = .text(old + new)
            } else {
                stack[stack.count - 1].children.append(node)
            }
        }
        for piece in pieces {
            switch piece {
            case .text(let value): add(.text(value))
            case .node(let node): add(node)
            case .delimiter(let index):
                let run = runs[index]
                let literal = String(repeating: run.character, count: run.remaining)
                // A closer gives up its first characters, an opener its last ones.
                for close in run.closes {
                    guard let top = stack.last, top.id == close.id, let wrap = top.wrap else { continue }
                    stack.removeLast()
                    switch wrap {
                    case .emphasis: add(.emphasis(top.children))
                    case .strong: add(.strong(top.children))
                    case .strikethrough: add(.strikethrough(top.children))
                    }
                }
                if !literal.isEmpty { add(.text(literal)) }
                for open in run.opens.reversed() { stack.append((open.wrap, open.id, [])) }
            }
        }
        // Every opener was matched by a later closer, so only the root is left; merge anything else defensively.
        while stack.count > 1 {
            let top = stack.removeLast()
            stack[stack.count - 1].children += top.children
        }
        return stack[0].children
    }

    // MARK: - Helpers

    private mutating func append(node: MarkdownInline) {
        flushText()
        pieces.append(.node(node))
    }

    private mutating func flushText() {
        guard !text.isEmpty else { return }
        pieces.append(.text(text))
        text = ""
    }

    private mutating func trimTrailingSpaces() {
        while text.hasSuffix(" ") { text.removeLast() }
    }

    private func runLength(at index: Int, of character: Character) -> Int {
        var end = index
        while end < characters.count, characters[end] == character { end += 1 }
        return end - index
    }

    static func isASCIIPunctuation(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (33...47).contains(ascii) || (58...64).contains(ascii) || (91...96).contains(ascii) || (123...126).contains(ascii)
    }

    /// Start and end of text count as whitespace, as in CommonMark.
    private static func isWhitespace(_ character: Character?) -> Bool {
        character.map(\.isWhitespace) ?? true
    }

    private static func isPunctuation(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isPunctuation || character.isSymbol
    }

    static func plainText(_ inlines: [MarkdownInline]) -> String {
        inlines.map { inline in
            switch inline {
            case .text(let text), .code(let text): text
            case .emphasis(let children), .strong(let children), .strikethrough(let children), .link(_, let children):
                plainText(children)
            case .image(_, let alt): alt
            case .lineBreak: "\n"
            }
        }.joined()
    }
}
