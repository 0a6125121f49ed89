/// Checks Bot API HTML the way Telegram does where it matters: only the supported tags, balanced, and
/// `&` / `<` only as entities or tags. Returns Telegram's error text, or nil when the HTML parses.
/// Also yields the visible text, whose length Telegram limits to 4096 code points.
enum TelegramHTMLValidator {
    static let allowedTags: Set<String> = [
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span", "a", "code", "pre",
        "blockquote", "tg-emoji",
    ]

    /// Telegram's nesting rules: bold, italic, underline, strike and spoiler nest with anything but pre and
    /// code; block quotes do not nest; the other entities (a, code, pre) contain none of each other, except
    /// the `<pre><code class="language-…">` form.
    static func nestingProblem(_ name: String, inside stack: [String]) -> String? {
        let styles: Set<String> = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span"]
        if let code = stack.last(where: { $0 == "pre" || $0 == "code" }) {
            if !(name == "code" && stack.last == "pre") { return "<\(name)> inside <\(code)>" }
        }
        if name == "blockquote" && stack.contains("blockquote") { return "nested <blockquote>" }
        if !styles.contains(name) && name != "blockquote", let outer = stack.last(where: { $0 == "a" }) {
            return "<\(name)> inside <\(outer)>"
        }
        return nil
    }

    static func validate(_ html: String) -> (error: String?, visible: String) {
        var visible = ""
        var stack: [String] = []
        var index = html.startIndex
        var byteOffset: Int { html.utf8.distance(from: html.startIndex, to: index) }
        while index < html.endIndex {
            let character = html[index]
            if character == "<" {
                guard let close = html[index...].firstIndex(of: ">") else {
                    return ("Bad Request: can't parse entities: Unclosed start tag at byte offset \(byteOffset)", visible)
                }
                let inside = html[html.index(after: index)..<close]
                if inside.hasPrefix("/") {
                    let name = inside.dropFirst().lowercased()
                    guard stack.last == name else {
                        return (
                            "Bad Request: can't parse entities: Unmatched end tag at byte offset \(byteOffset), expected \"</\(stack.last ?? "")>\", found \"</\(name)>\"",
                            visible
                        )
                    }
                    stack.removeLast()
                } else {
                    let name = String(inside.prefix { $0 != " " }).lowercased()
                    guard allowedTags.contains(name) else {
                        return (
                            "Bad Request: can't parse entities: Unsupported start tag \"\(name)\" at byte offset \(byteOffset)", visible
                        )
                    }
                    if let problem = nestingProblem(name, inside: stack) {
                        return ("Bad Request: can't parse entities: \(problem) at byte offset \(byteOffset)", visible)
                    }
                    stack.append(name)
                }
                index = html.index(after: close)
                continue
            }
            if character == "&" {
                guard let semicolon = html[index...].prefix(12).firstIndex(of: ";") else {
                    return ("Bad Request: can't parse entities: Character '&' is reserved at byte offset \(byteOffset)", visible)
                }
                let name = html[html.index(after: index)..<semicolon]
                switch name {
                case "lt": visible += "<"
                case "gt": visible += ">"
                case "amp": visible += "&"
                case "quot": visible += "\""
                default:
                    guard name.hasPrefix("#"), let code = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(code) else {
                        return ("Bad Request: can't parse entities: Unsupported entity \"\(name)\" at byte offset \(byteOffset)", visible)
                    }
                    visible.unicodeScalars.append(scalar)
                }
                index = html.index(after: semicolon)
                continue
            }
            if character == ">" {
                return ("Bad Request: can't parse entities: Character '>' is reserved at byte offset \(byteOffset)", visible)
            }
            visible.append(character)
            index = html.index(after: index)
        }
        if let open = stack.last {
            return ("Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"\(open)\"", visible)
        }
        return (nil, visible)
    }
}
