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
            #expect(
                ["lt;", "gt;", "amp;", "quot;", "#"].contains { part.hasPrefix($0) }, "bare & in \(html)", sourceLocation: sourceLocation)
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
        let html = TelegramMarkdown.html(
            from: "**bold _and italic `code` here_ end**\n\n1. first\n2. second\n   - inner *one*\n   - inner two\n\nAfter.")
        #expect(html.contains("<b>bold <i>and italic <code>code</code> here</i> end</b>"))
        #expect(html.contains("1. first\n2. second\n  • inner <i>one</i>\n  • inner two\n\nAfter."))
        expectValid(html)
    }

    @Test func unclosedFencesAndUnpairedMarkersNeverBreakParsing() {
        for markdown in [
            "```swift\nlet x = 1 < 2\nno closing fence", "a ``` b", "**never closed", "_open `tick", "<b>raw html</b> & <div>",
            "[link](javascript:alert(1))", "![img](http://x/y.png)", "| a | b |\n|---|---|\n| 1 | 2 |", "&&& &amp; &#x1F600; &bogus;",
        ] {
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
        let report = TaskReport(
            taskID: 1, project: Project(name: "alpha", repoPath: "/r"), prompt: "p", mode: .new, session: .new,
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

/// Where CommonMark keeps text literal, the phone shows it exactly as Codex wrote it.
@Suite struct MarkdownLiteralTextTests {
    /// What the user sees: tags removed, the four entities decoded.
    func visible(_ html: String) -> String {
        var text = ""
        var inTag = false
        for character in html {
            if character == "<" {
                inTag = true
                continue
            }
            if character == ">" {
                inTag = false
                continue
            }
            if !inTag { text.append(character) }
        }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    func shown(_ markdown: String) -> String { visible(TelegramMarkdown.html(from: markdown)) }

    @Test func identifiersKeepTheirUnderscoresAndStars() {
        for identifier in [
            "my_var_name", "__init__.py", "kw_perf_2", "snake_case_name", "path/__init__.py", "_private_thing_x",
            "a*b*c", "2*3*4", "src/*.swift and tests/*.swift", "**kwargs and *args", "foo__bar__baz", "x_1 and y_2",
            "__dunder__ methods", "file_name_.txt", "Edit __init__.py and the __main__ block",
        ] {
            let html = TelegramMarkdown.html(from: identifier)
            #expect(visible(html) == identifier, "\(identifier) → \(html)")
            #expect(!html.contains("<i>") && !html.contains("<b>"), "\(identifier) → \(html)")
        }
        #expect(
            shown("Call `my_func` then set MY_ENV_VAR=1 in config_file.toml.") == "Call my_func then set MY_ENV_VAR=1 in config_file.toml.")
    }

    @Test func realEmphasisStillWorks() {
        #expect(
            TelegramMarkdown.html(from: "_italic_ and *also*, **bold**; ***both***.")
                == "<i>italic</i> and <i>also</i>, <b>bold</b>; <i><b>both</b></i>.")
        #expect(TelegramMarkdown.html(from: "(_see_ the **note**!)") == "(<i>see</i> the <b>note</b>!)")
        #expect(TelegramMarkdown.html(from: "~~old~~ new, ~/path stays") == "<s>old</s> new, ~/path stays")
        #expect(TelegramMarkdown.html(from: "**Note:** read `a_b`") == "<b>Note:</b> read <code>a_b</code>")
        // CommonMark pairs these as em(unbalanced em(em(nesting) here)); Telegram gets one <i>, no word lost.
        #expect(TelegramMarkdown.html(from: "*unbalanced **nesting* here**") == "<i>unbalanced nesting here</i>")
        #expect(TelegramMarkdown.html(from: "__two words__ and __init__") == "<b>two words</b> and __init__")
    }

    @Test func codeIsShownByteForByte() {
        #expect(
            TelegramMarkdown.html(from: "Use `a <b> & c` and `` x ` y ``.")
                == "Use <code>a &lt;b&gt; &amp; c</code> and <code>x ` y</code>.")
        let fenced = TelegramMarkdown.html(from: "```rust\nfn main() { let v: Vec<String> = vec![]; if a && b {} }\n  _x_ *y* \\n\n```")
        #expect(
            fenced
                == "<pre><code class=\"language-rust\">fn main() { let v: Vec&lt;String&gt; = vec![]; if a &amp;&amp; b {} }\n  _x_ *y* \\n</code></pre>"
        )
        #expect(shown("~~~\n**not bold**\n~~~") == "**not bold**")
        #expect(shown("Unclosed:\n\n```python\nprint('<hi>')\n# __main__") == "Unclosed:\n\nprint('<hi>')\n# __main__")
        #expect(shown("    indented_code <x>\n    second *line*") == "indented_code <x>\nsecond *line*")
        #expect(shown("`unclosed code span <x>") == "`unclosed code span <x>")
    }

    @Test func escapesEntitiesAndHTMLLookalikesAreText() {
        #expect(shown(#"\*not emphasis\*, \_x\_, \\ and C:\Users\me"#) == #"*not emphasis*, _x_, \ and C:\Users\me"#)
        #expect(shown("<stdin>:1:5: error: expected `;`") == "<stdin>:1:5: error: expected ;")
        #expect(shown("Vec<String> and a <= b && c > d") == "Vec<String> and a <= b && c > d")
        #expect(shown("<div class=\"x\">raw</div> <!-- note --> <br/>") == "<div class=\"x\">raw</div> <!-- note --> <br/>")
        #expect(shown("&amp; &copy; &#35; &#x1F600; &bogus; & alone") == "& © # 😀 &bogus; & alone")
        #expect(
            TelegramMarkdown.html(from: "[docs](https://x.dev/a?b=1&c=\"2\") <https://y.dev/p_q_r>")
                == "<a href=\"https://x.dev/a?b=1&amp;c=&quot;2&quot;\">docs</a> <a href=\"https://y.dev/p_q_r\">https://y.dev/p_q_r</a>")
        #expect(TelegramMarkdown.html(from: "[`code` link](https://x.dev)") == "<a href=\"https://x.dev\">code link</a>")
    }

    @Test func blocksKeepEveryWord() {
        let markdown = """
            ## Plan for `parse_args`

            1. Read the *config*
               - nested item with `code_path`
               - another

                 ```sh
                 make test_all
                 ```
            2. Second step
            > quoted **advice**
            > > nested quote
            lazy continuation

            | name | value_x |
            |------|:-------:|
            | a_b  | `1 | 2` |

            Setext heading
            ---
            ***
            """
        let html = TelegramMarkdown.html(from: markdown)
        let text = visible(html)
        #expect(html.hasPrefix("<b>Plan for <code>parse_args</code></b>"))
        #expect(text.contains("1. Read the config\n  • nested item with code_path\n  • another\nmake test_all\n2. Second step"), "\(text)")
        #expect(html.contains("<blockquote>quoted <b>advice</b>\nnested quote\nlazy continuation</blockquote>"), "\(html)")
        #expect(text.contains("name | value_x\na_b | 1 | 2"), "\(text)")
        #expect(html.contains("<b>Setext heading</b>\n\n———"))
        #expect(!html.contains("<blockquote><blockquote>"))
    }

    @Test func lineEndingsTabsAndUnicodeSurvive() {
        #expect(shown("one\r\ntwo\rthree") == "one\ntwo\nthree")
        #expect(shown("a\tb_c\td") == "a\tb_c\td")
        let family = "👨‍👩‍👧 שלום \u{200F}abc e\u{301}_x_\u{301}"
        #expect(shown(family) == family)
        #expect(shown("trailing hard break  \nnext") == "trailing hard break\nnext")
    }
}
