import CompanionCore
import Testing

/// Codex's Markdown becomes Telegram HTML that always parses: only supported tags, balanced, escaped.
@Suite struct TelegramMarkdownTests {
    static let allowed: Set<String> = ["b", "i", "s", "code", "pre", "a", "blockquote"]

    /// Tags balance and are all supported; `&` only starts an entity; no stray `<` or `>`.
    func expectValid(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var stack: [String] = []
        var rest = html[...]
        while let open = rest.firstIndex(where: { $0 == "<" || $0 == ">" }) {
            #expect(rest[open] == "<", "stray > in \(html)", sourceLocation: sourceLocation)
            guard let close = rest[open...].firstIndex(of: ">") else {
                Issue.record("unclosed tag in \(html)", sourceLocation: sourceLocation)
                return
            }
            let inside = rest[rest.index(after: open)..<close]
            if inside.hasPrefix("/") {
                #expect(stack.popLast() == String(inside.dropFirst()), "unbalanced in \(html)", sourceLocation: sourceLocation)
            } else {
                let name = String(inside.prefix { $0 != " " })
                #expect(Self.allowed.contains(name), "unsupported <\(name)> in \(html)", sourceLocation: sourceLocation)
                stack.append(name)
            }
            rest = rest[rest.index(after: close)...]
        }
        #expect(stack.isEmpty, "unclosed \(stack) in \(html)", sourceLocation: sourceLocation)
        for part in html.split(separator: "&").dropFirst() {
            #expect(["lt;", "gt;", "amp;", "quot;", "#"].contains { part.hasPrefix($0) }, "bare & in \(html)", sourceLocation: sourceLocation)
        }
    }

    @Test func commonFormattingMapsToTelegramTags() {
        let html = TelegramMarkdown.html(from: "# Title\n\nSome **bold**, _italic_, ~~gone~~ and `x < y`.\n\n- one\n- two\n\n> quoted")
        #expect(html.contains("<b>Title</b>"))
        #expect(html.contains("Some <b>bold</b>, <i>italic</i>"))
        #expect(html.contains("<code>x &lt; y</code>"))
        #expect(html.contains("• one\n• two"))
        #expect(html.contains("<blockquote>quoted</blockquote>"))
        expectValid(html)
    }

    @Test func nestedFormattingAndNestedListsStayBalanced() {
        let html = TelegramMarkdown.html(from: "**bold _and italic `code` here_ end**\n\n1. first\n2. second\n   - inner *one*\n   - inner two\n\nAfter.")
        #expect(html.contains("<b>bold <i>and italic <code>code</code> here</i> end</b>"))
        #expect(html.contains("1. first\n2. second\n  • inner <i>one</i>\n  • inner two\n\nAfter."))
        expectValid(html)
    }

    @Test func unclosedFencesAndUnpairedMarkersNeverBreakParsing() {
        for markdown in ["```swift\nlet x = 1 < 2\nno closing fence", "a ``` b", "**never closed", "_open `tick", "<b>raw html</b> & <div>",
                         "[link](javascript:alert(1))", "![img](http://x/y.png)", "| a | b |\n|---|---|\n| 1 | 2 |", "&&& &amp; &#x1F600; &bogus;"] {
            expectValid(TelegramMarkdown.html(from: markdown))
        }
        #expect(TelegramMarkdown.html(from: "<b>raw html</b> & <div>") == "&lt;b&gt;raw html&lt;/b&gt; &amp; &lt;div&gt;")
        #expect(TelegramMarkdown.html(from: "[link](javascript:alert(1))") == "link")
        #expect(TelegramMarkdown.html(from: "```swift\nlet x = 1 < 2\nno closing fence").contains("let x = 1 &lt; 2"))
    }

    @Test func veryLongCodeIsSplitIntoCardsThatEachParse() {
        let code = (1...400).map { "let line\($0) = \"<\($0)> & more\"" }.joined(separator: "\n")
        var turn = TurnRecord()
        turn.finalMessage = "Here:\n\n```swift\n" + code + "\n```\nDone."
        let report = TaskReport(taskID: 1, project: Project(name: "alpha", repoPath: "/r"), prompt: "p", mode: .new, session: .new,
                                status: .done, startedAt: .distantPast, endedAt: .distantPast, exitCode: 0, turn: turn,
                                turnUsage: nil, failureReason: nil, stdoutTail: "", stderrTail: "")
        let messages = ResultCard().render(report)
        #expect(messages.count >= 4)
        for (index, message) in messages.enumerated() {
            expectValid(message.html)
            #expect(message.plain.unicodeScalars.count <= 4096)
            #expect(message.plain.hasSuffix("(\(index + 1)/\(messages.count))"))
        }
        #expect(messages.filter { $0.html.contains("<pre><code class=\"language-swift\">") }.count >= 3)
    }
}
