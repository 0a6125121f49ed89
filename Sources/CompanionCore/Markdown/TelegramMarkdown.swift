import Foundation

/// Renders Codex's Markdown answer as Telegram HTML. The answer is parsed by `MarkdownBlockParser` and
/// `MarkdownInlineParser` (CommonMark's rules, see there), then written with only the tags Telegram
/// supports (b, i, s, code, pre, a, blockquote): balanced by construction, every `<`, `>` and `&` of the
/// text escaped, code shown exactly as written. Lists become bullets, headings bold lines, tables rows of
/// cells separated by `|`.
public enum TelegramMarkdown {
    public static func html(from markdown: String) -> String {
        var writer = TelegramHTMLWriter()
        writer.blocks(MarkdownBlockParser.parse(markdown), separator: "\n\n")
        return writer.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Writes parsed Markdown as Telegram HTML. Telegram rejects nested block quotes and formatting inside
/// code, and a tag already open is not opened again, so the output always parses.
struct TelegramHTMLWriter {
    private(set) var output = ""
    private var open: [String] = []
    private var quoteDepth = 0
    private var listDepth = 0

    mutating func blocks(_ blocks: [MarkdownBlock], separator: String) {
        for (index, block) in blocks.enumerated() {
            if index > 0 { output += separator }
            self.block(block)
        }
    }

    private mutating func block(_ block: MarkdownBlock) {
        switch block {
        case .paragraph(let inlines):
            self.inlines(inlines)
        case .heading(_, let inlines):
            wrap("b") { $0.inlines(inlines) }
        case .code(let info, let text):
            guard !text.isEmpty else { return }
            let language = info.prefix { !$0.isWhitespace }.filter { $0.isLetter || $0.isNumber || "-+#_.".contains($0) }
            if language.isEmpty {
                output += "<pre>\(TelegramHTML.escape(text))</pre>"
            } else {
                output += "<pre><code class=\"language-\(language)\">\(TelegramHTML.escape(text))</code></pre>"
            }
        case .quote(let children):
            if quoteDepth > 0 {
                blocks(children, separator: "\n")
            } else {
                quoteDepth += 1
                output += "<blockquote>"
                blocks(children, separator: "\n")
                output += "</blockquote>"
                quoteDepth -= 1
            }
        case .list(let ordered, let start, let items):
            let indent = String(repeating: "  ", count: listDepth)
            listDepth += 1
            for (index, item) in items.enumerated() {
                if index > 0 { output += "\n" }
                output += indent + (ordered ? "\(start + index). " : "• ")
                blocks(item, separator: "\n")
            }
            listDepth -= 1
        case .thematicBreak:
            output += "———"
        case .table(let header, let rows):
            wrap("b") { writer in writer.cells(header) }
            for row in rows {
                output += "\n"
                cells(row)
            }
        }
    }

    private mutating func cells(_ cells: [[MarkdownInline]]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { output += " | " }
            inlines(cell)
        }
    }

    private mutating func inlines(_ inlines: [MarkdownInline]) {
        for inline in inlines {
            switch inline {
            case .text(let text):
                output += TelegramHTML.escape(text)
            case .code(let code):
                if open.contains("a") || code.isEmpty {
                    output += TelegramHTML.escape(code)
                } else {
                    output += "<code>\(TelegramHTML.escape(code))</code>"
                }
            case .emphasis(let children):
                wrap("i") { $0.inlines(children) }
            case .strong(let children):
                wrap("b") { $0.inlines(children) }
            case .strikethrough(let children):
                wrap("s") { $0.inlines(children) }
            case .link(let destination, let children):
                link(destination) { $0.inlines(children) }
            case .image(let source, let alt):
                link(source) { $0.output += TelegramHTML.escape(alt.isEmpty ? "image" : alt) }
            case .lineBreak:
                output += "\n"
            }
        }
    }

    /// A link Telegram can open (web or mail) becomes one; any other destination keeps only its text.
    private mutating func link(_ destination: String, _ body: (inout TelegramHTMLWriter) -> Void) {
        let lowered = destination.lowercased()
        guard !open.contains("a"), lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("mailto:") else {
            body(&self)
            return
        }
        let href = TelegramHTML.escape(destination).replacingOccurrences(of: "\"", with: "&quot;")
        open.append("a")
        output += "<a href=\"\(href)\">"
        let textStart = output.utf8.count
        body(&self)
        if output.utf8.count == textStart { output += TelegramHTML.escape(destination) }
        output += "</a>"
        open.removeLast()
    }

    private mutating func wrap(_ tag: String, _ body: (inout TelegramHTMLWriter) -> Void) {
        guard !open.contains(tag) else {
            body(&self)
            return
        }
        open.append(tag)
        let before = output.utf8.count
        output += "<\(tag)>"
        let inside = output.utf8.count
        body(&self)
        // Telegram has no use for an empty tag: drop it rather than send one.
        if output.utf8.count == inside {
            output = String(decoding: output.utf8.prefix(before), as: UTF8.self)
        } else {
            output += "</\(tag)>"
        }
        open.removeLast()
    }
}
