import CompanionCore
import Foundation

/// Renders Codex's Markdown answer as safe HTML for the task page, over the companion's own Markdown
/// parser (`MarkdownBlockParser`, CommonMark's rules): raw HTML in the answer is never passed through
/// (the parser keeps it as text, and all text is escaped), links go out only to http(s) and mailto
/// addresses with `rel="noopener noreferrer"`, and images become links instead of loading anything.
enum MarkdownHTML {
    static func html(from markdown: String) -> String {
        var writer = Writer()
        writer.blocks(MarkdownBlockParser.parse(markdown))
        return writer.output
    }

    private struct Writer {
        var output = ""
        /// Links do not nest: a link inside a link's text keeps only its text.
        var inLink = false

        mutating func blocks(_ blocks: [MarkdownBlock]) {
            for block in blocks { self.block(block) }
        }

        private mutating func block(_ block: MarkdownBlock) {
            switch block {
            case .paragraph(let inlines):
                output += "<p>"
                self.inlines(inlines)
                output += "</p>\n"
            case .heading(let level, let inlines):
                // The page has its own h1 and h2: the answer's headings sit below them.
                let tag = "h\(min(level + 2, 6))"
                output += "<\(tag)>"
                self.inlines(inlines)
                output += "</\(tag)>\n"
            case .code(let info, let text):
                let language = info.prefix { !$0.isWhitespace }.filter { $0.isLetter || $0.isNumber || "-+#_.".contains($0) }
                let attribute = language.isEmpty ? "" : " class=\"language-\(HTMLText.escape(String(language)))\""
                output += "<pre><code\(attribute)>\(HTMLText.escape(text))</code></pre>\n"
            case .quote(let children):
                output += "<blockquote>\n"
                blocks(children)
                output += "</blockquote>\n"
            case .list(let ordered, let start, let items):
                output += ordered ? (start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n") : "<ul>\n"
                for item in items {
                    output += "<li>"
                    listItem(item)
                    output += "</li>\n"
                }
                output += ordered ? "</ol>\n" : "</ul>\n"
            case .thematicBreak:
                output += "<hr>\n"
            case .table(let header, let rows):
                output += "<table>\n<thead><tr>"
                for cell in header { self.cell("th", cell) }
                output += "</tr></thead>\n<tbody>\n"
                for row in rows {
                    output += "<tr>"
                    for cell in row { self.cell("td", cell) }
                    output += "</tr>\n"
                }
                output += "</tbody>\n</table>\n"
            }
        }

        /// A tight item (a single paragraph) is written without its `<p>`, as browsers show lists.
        private mutating func listItem(_ item: [MarkdownBlock]) {
            if item.count == 1, case .paragraph(let inlines) = item[0] {
                self.inlines(inlines)
            } else {
                blocks(item)
            }
        }

        private mutating func cell(_ tag: String, _ inlines: [MarkdownInline]) {
            output += "<\(tag)>"
            self.inlines(inlines)
            output += "</\(tag)>"
        }

        private mutating func inlines(_ inlines: [MarkdownInline]) {
            for inline in inlines {
                switch inline {
                case .text(let text):
                    output += HTMLText.escape(text)
                case .code(let code):
                    output += "<code>\(HTMLText.escape(code))</code>"
                case .emphasis(let children):
                    wrap("em", children)
                case .strong(let children):
                    wrap("strong", children)
                case .strikethrough(let children):
                    wrap("del", children)
                case .link(let destination, let children):
                    link(destination, text: children)
                case .image(let source, let alt):
                    link(source, text: [.text(alt.isEmpty ? "image" : alt)])
                case .lineBreak:
                    output += "<br>\n"
                }
            }
        }

        private mutating func wrap(_ tag: String, _ children: [MarkdownInline]) {
            output += "<\(tag)>"
            inlines(children)
            output += "</\(tag)>"
        }

        private mutating func link(_ destination: String, text: [MarkdownInline]) {
            guard !inLink, HTMLText.isSafeLink(destination) else {
                inlines(text)
                return
            }
            inLink = true
            output += "<a href=\"\(HTMLText.escape(destination))\" rel=\"noopener noreferrer\" target=\"_blank\">"
            if text.isEmpty { output += HTMLText.escape(destination) } else { inlines(text) }
            output += "</a>"
            inLink = false
        }
    }
}
