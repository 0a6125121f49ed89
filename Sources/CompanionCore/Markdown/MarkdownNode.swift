/// A parsed Markdown document: the block structure and inline content of an answer, before rendering.
public enum MarkdownBlock: Sendable, Equatable {
    case paragraph([MarkdownInline])
    case heading(level: Int, [MarkdownInline])
    /// A fenced or indented code block: `info` is the fence's info string, `text` the content as written.
    case code(info: String, text: String)
    case quote([MarkdownBlock])
    /// Each item is a list of blocks; `start` is the first number of an ordered list.
    case list(ordered: Bool, start: Int, items: [[MarkdownBlock]])
    case thematicBreak
    case table(header: [[MarkdownInline]], rows: [[[MarkdownInline]]])
}

public enum MarkdownInline: Sendable, Equatable {
    case text(String)
    case code(String)
    case emphasis([MarkdownInline])
    case strong([MarkdownInline])
    case strikethrough([MarkdownInline])
    case link(destination: String, [MarkdownInline])
    case image(source: String, alt: String)
    case lineBreak
}
