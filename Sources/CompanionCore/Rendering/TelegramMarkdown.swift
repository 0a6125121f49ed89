import Ink

/// Renders Codex's Markdown answer as Telegram HTML: parsed by a real Markdown parser (Ink), then reduced
/// to the tags Telegram supports (b, i, s, code, pre, a, blockquote), always balanced and escaped, so
/// the result can never fail to parse. Lists become bullets, headings bold lines.
public enum TelegramMarkdown {
    public static func html(from markdown: String) -> String {
        let parsed = MarkdownParser().html(from: escapeOutsideCode(markdown))
        return TelegramHTMLReducer().reduce(parsed)
    }

    /// Ink passes raw HTML in text through untouched; model output like `<script>` must stay text.
    /// So `<` and `>` outside code are escaped before parsing (Ink keeps entities as they are, and
    /// escapes code content itself).
    static func escapeOutsideCode(_ markdown: String) -> String {
        var lines: [String] = []
        var inFence = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                inFence.toggle()
                lines.append(String(line))
                continue
            }
            if inFence {
                lines.append(String(line))
                continue
            }
            // Leading `>` markers are Markdown (a quote), not text.
            let indent = line.prefix { $0 == " " }
            let markers = line.dropFirst(indent.count).prefix { $0 == ">" || $0 == " " }
            let body = line.dropFirst(indent.count + markers.count)
            let parts = body.split(separator: "`", omittingEmptySubsequences: false)
            let paired = parts.count % 2 == 1 ? parts.count : parts.count - 1
            var out = String(indent) + String(markers)
            for (index, part) in parts.enumerated() {
                if index > 0 { out += "`" }
                let isCode = index % 2 == 1 && index < paired
                out += isCode ? String(part) : part.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            }
            lines.append(out)
        }
        return lines.joined(separator: "\n")
    }
}

/// Walks Ink's HTML and writes the Telegram subset. Unknown tags are dropped (their text is kept).
struct TelegramHTMLReducer {
    private var output = ""
    private var open: [String] = []
    private var lists: [(ordered: Bool, counter: Int)] = []
    private var inPre = false

    func reduce(_ html: String) -> String {
        var reducer = self
        reducer.run(html)
        return reducer.finish()
    }

    private mutating func run(_ html: String) {
        var index = html.startIndex
        while index < html.endIndex {
            if html[index] == "<", let close = html[index...].firstIndex(of: ">") {
                tag(String(html[html.index(after: index)..<close]))
                index = html.index(after: close)
            } else {
                let next = html[index...].firstIndex(of: "<") ?? html.endIndex
                text(String(html[index..<next]))
                index = next
            }
        }
    }

    private mutating func tag(_ raw: String) {
        let closing = raw.hasPrefix("/")
        let body = closing ? String(raw.dropFirst()) : raw
        let name = String(body.prefix { $0.isLetter || $0.isNumber }).lowercased()
        switch (name, closing) {
        case ("p", false): break
        case ("p", true): output += "\n\n"
        case ("h1", _), ("h2", _), ("h3", _), ("h4", _), ("h5", _), ("h6", _):
            if closing {
                close("b")
                output += "\n\n"
            } else {
                openTag("b")
            }
        case ("strong", _), ("b", _): closing ? close("b") : openTag("b")
        case ("em", _), ("i", _): closing ? close("i") : openTag("i")
        case ("del", _), ("s", _), ("strike", _): closing ? close("s") : openTag("s")
        case ("pre", false):
            inPre = true
            openTag("pre")
        case ("pre", true):
            close("pre")
            inPre = false
            output += "\n"
        case ("code", false):
            if inPre, let language = attribute("class", in: body), language.hasPrefix("language-") {
                let name = language.dropFirst("language-".count).filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" }
                openTag("code", attributes: name.isEmpty ? "" : " class=\"language-\(name)\"")
            } else {
                openTag("code")
            }
        case ("code", true): close("code")
        case ("blockquote", false): openTag("blockquote")
        case ("blockquote", true): trimTrailingNewlines(); close("blockquote"); output += "\n\n"
        case ("a", false):
            let href = attribute("href", in: body) ?? ""
            if href.hasPrefix("http://") || href.hasPrefix("https://") || href.hasPrefix("mailto:") {
                openTag("a", attributes: " href=\"\(Self.escapeAttribute(href))\"")
            } else {
                openTag("a-dropped")
            }
        case ("a", true): close(open.last == "a-dropped" ? "a-dropped" : "a")
        case ("ul", false), ("ol", false):
            if lists.isEmpty { trimTrailingNewlines(); if !output.isEmpty { output += "\n" } }
            lists.append((name == "ol", 0))
        case ("ul", true), ("ol", true):
            _ = lists.popLast()
            if lists.isEmpty { output += "\n\n" }
        case ("li", false):
            while output.hasSuffix(" ") || output.hasSuffix("\n") { output.removeLast() }
            if !output.isEmpty { output += "\n" }
            let depth = max(0, lists.count - 1)
            output += String(repeating: "  ", count: depth)
            if var list = lists.popLast() {
                list.counter += 1
                output += list.ordered ? "\(list.counter). " : "• "
                lists.append(list)
            }
        case ("li", true): trimTrailingNewlines()
        case ("br", _): output += "\n"
        case ("hr", _): output += "———\n\n"
        case ("img", _): output += "[image: \(Self.escapeText(attribute("alt", in: body) ?? ""))]"
        case ("td", false), ("th", false): output += " | "
        case ("tr", true): output += "\n"
        default: break
        }
    }

    private mutating func text(_ raw: String) {
        output += Self.escapeText(raw)
    }

    private mutating func openTag(_ name: String, attributes: String = "") {
        open.append(name)
        if name != "a-dropped" { output += "<\(name)\(attributes)>" }
    }

    /// Closes `name` if it is open, closing anything opened inside it first, so tags always balance.
    private mutating func close(_ name: String) {
        guard let position = open.lastIndex(of: name) else { return }
        while open.count > position {
            let tag = open.removeLast()
            if tag != "a-dropped" { output += "</\(tag)>" }
        }
    }

    private mutating func trimTrailingNewlines() {
        while output.hasSuffix("\n") { output.removeLast() }
    }

    private mutating func finish() -> String {
        while let tag = open.popLast() {
            if tag != "a-dropped" { output += "</\(tag)>" }
        }
        var text = output
        while text.contains("\n\n\n") { text = text.replacingOccurrences(of: "\n\n\n", with: "\n\n") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func attribute(_ name: String, in tag: String) -> String? {
        guard let range = tag.range(of: "\(name)=\"") else { return nil }
        let rest = tag[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// Text from Ink is escaped already except for stray characters; make every `&` an entity and
    /// escape any `<` or `>` that is left.
    static func escapeText(_ text: String) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            switch character {
            case "&":
                let rest = text[index...].prefix(10)
                if let semicolon = rest.firstIndex(of: ";"), isEntity(text[text.index(after: index)..<semicolon]) {
                    out += text[index...semicolon]
                    index = text.index(after: semicolon)
                    continue
                }
                out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
            index = text.index(after: index)
        }
        return out
    }

    private static func isEntity(_ name: Substring) -> Bool {
        if ["lt", "gt", "amp", "quot"].contains(name) { return true }
        guard name.hasPrefix("#"), name.count > 1 else { return false }
        let digits = name.dropFirst()
        if digits.hasPrefix("x") { return UInt32(digits.dropFirst(), radix: 16).flatMap(Unicode.Scalar.init) != nil }
        return UInt32(digits).flatMap(Unicode.Scalar.init) != nil
    }

    static func escapeAttribute(_ value: String) -> String {
        escapeText(value).replacingOccurrences(of: "\"", with: "&quot;")
    }
}
