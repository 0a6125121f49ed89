import Foundation
import TestSupport
import Testing

/// Tricky answers from Codex, each through the built `serve` binary, the REAL codex and the fake Bot API
/// (which parses HTML like Telegram, nesting rules included). For every answer: Telegram accepts every
/// message as HTML (the plain-text fallback is never needed), text that CommonMark keeps literal arrives
/// exactly, and every word of the answer arrives.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct MarkdownCorpusTests {
    static let owner: Int64 = 2718

    struct Answer: Sendable {
        var markdown: String
        /// Visible text that must arrive exactly as given.
        var exact: [String]

        init(_ markdown: String, exact: [String] = []) {
            self.markdown = markdown
            self.exact = exact
        }
    }

    static let corpus: [Answer] = [
        Answer("Here:\n\n```swift\nlet a = b < c && d > e\n// never closed", exact: ["let a = b < c && d > e\n// never closed"]),
        Answer("~~~\n```inner``` stays\n~~~", exact: ["```inner``` stays"]),
        Answer("***bold italic*** and **bold _inner italic_ end**", exact: ["bold italic and bold inner italic end"]),
        Answer("**never closed and *half", exact: ["**never closed and *half"]),
        Answer("Set my_var_name and call do_the_thing_now() with kw_perf_2", exact: ["my_var_name", "do_the_thing_now()", "kw_perf_2"]),
        Answer("Edit __init__.py and the __main__ block", exact: ["Edit __init__.py and the __main__ block"]),
        Answer("See pkg/__init__.py and pkg/_private.py", exact: ["See pkg/__init__.py and pkg/_private.py"]),
        Answer("Match src/*.swift and tests/*.swift, compute 2*3*4", exact: ["Match src/*.swift and tests/*.swift, compute 2*3*4"]),
        Answer("char *ptr = *argv; use **kwargs", exact: ["char *ptr = *argv; use **kwargs"]),
        Answer("[a & b <c> \"d\"](https://example.com/?q=a&b=<c>) link", exact: ["a & b <c> \"d\" link"]),
        Answer("<https://example.com/a_b_c> and <user@example.com>", exact: ["https://example.com/a_b_c and user@example.com"]),
        Answer(
            "<div align=\"center\">\n  <img src=\"x.png\">\n</div>", exact: ["<div align=\"center\">", "<img src=\"x.png\">", "</div>"]),
        Answer("<!-- TODO: remove -->\nVisible text", exact: ["<!-- TODO: remove -->\nVisible text"]),
        Answer("&amp; &lt;tag&gt; &copy; &#169; &#xA9; &nosuch; &#xZZ; AT&T", exact: ["& <tag> © © © &nosuch; &#xZZ; AT&T"]),
        Answer("Family 👨‍👩‍👧‍👦 and flag 🏳️‍🌈 done ✅", exact: ["Family 👨‍👩‍👧‍👦 and flag 🏳️‍🌈 done ✅"]),
        Answer("Hebrew שלום עולם and Arabic مرحبا with \u{200F}mark", exact: ["Hebrew שלום עולם and Arabic مرحبا with \u{200F}mark"]),
        Answer("Cafe\u{301} nai\u{308}ve e\u{301}_x_ done", exact: ["Cafe\u{301} nai\u{308}ve e\u{301}_x_ done"]),
        Answer(
            "| Column_A | Column B |\n|---|:---:|\n| `a|b` | **bold** |\n| x_y | 3 < 4 |",
            exact: ["Column_A | Column B", "a|b | bold", "x_y | 3 < 4"]),
        Answer(
            "1. Step one\n   - sub a\n     - sub sub\n       ```bash\n       make build_all && echo <ok>\n       ```\n2. Step two",
            exact: ["make build_all && echo <ok>", "2. Step two"]),
        Answer("# H1 title\n## H2 with `code_x`\n###### H6\n#NoSpace stays", exact: ["H1 title", "H2 with code_x", "#NoSpace stays"]),
        Answer("> outer quote\n> > inner quote\n> back to outer", exact: ["outer quote", "inner quote", "back to outer"]),
        Answer("line one\r\nline two\r\n\r\npara two", exact: ["line one\nline two", "para two"]),
        Answer("col1\tcol2\tcol3\n\tindented with tab", exact: ["col1\tcol2\tcol3"]),
        Answer(
            "\\*literal stars\\* and \\_under\\_ and C:\\Windows\\System32",
            exact: ["*literal stars* and _under_ and C:\\Windows\\System32"]),
        Answer(
            "<stdin>:1:5: error: use of undeclared identifier 'foo_bar'\n    foo_bar();\n    ^",
            exact: ["<stdin>:1:5: error: use of undeclared identifier 'foo_bar'", "foo_bar();"]),
        Answer("Returns Vec<Option<String>> when a <= b && b >= c", exact: ["Returns Vec<Option<String>> when a <= b && b >= c"]),
        Answer("Use `` `cmd` `` to quote and `a_b_c`", exact: ["Use `cmd` to quote and a_b_c"]),
        Answer("a ~ b ~~c~~ and ~/x/y", exact: ["a ~ b c and ~/x/y"]),
        Answer("Above\n\n---\n\nBelow\n\n***\n___", exact: ["Above", "Below"]),
        Answer("Title\n=====\nSub\n---", exact: ["Title", "Sub"]),
        Answer("3. three\n4. four\n10. ten", exact: ["3. three\n4. four\n5. ten"]),
        Answer("- dash\n+ plus\n* star", exact: ["• dash", "• plus", "• star"]),
        Answer("line with two spaces  \nnext line\\\nafter backslash", exact: ["line with two spaces\nnext line\nafter backslash"]),
        Answer("[wiki](https://en.wikipedia.org/wiki/Foo_(bar)) done", exact: ["wiki done"]),
        Answer("![diagram_v2](https://example.com/d.png) caption", exact: ["diagram_v2 caption"]),
        Answer("[click](javascript:alert(1)) safe", exact: ["click safe"]),
        Answer("array[0] and [not a link] and [x](y z)", exact: ["array[0] and [not a link] and [x](y z)"]),
        Answer("*(parenthesised)* and _\"quoted\"_ and **end.**", exact: ["(parenthesised) and \"quoted\" and end."]),
        Answer("«*word*» and “_quote_”", exact: ["«word» and “quote”"]),
        Answer("100*2 = 200 and 3_000_000", exact: ["100*2 = 200 and 3_000_000"]),
        Answer("> ```\n> code <in> quote\n> ```", exact: ["code <in> quote"]),
        Answer("`&amp;` stays `&amp;`", exact: ["&amp; stays &amp;"]),
        Answer(""),
        Answer("   \n\t  "),
        Answer(Self.formattedEverywhere),
        Answer(Self.longCode, exact: ["let value_1 = compute(1) << 2 // <1>", "let value_200 = compute(200) << 2 // <200>"]),
    ]

    /// About 9,000 characters that are formatting from end to end.
    static var formattedEverywhere: String {
        (1...100).map {
            "**bold_\($0)** _it\($0)_ `code_\($0) <&>` ~~gone\($0)~~ [link\($0)](https://x.dev/\($0)?a=1&b=2) snake_case_\($0)"
        }
        .joined(separator: "\n")
    }

    /// A code block longer than one Telegram message (and short enough to stay in the chat, not a file).
    static var longCode: String {
        "The code:\n\n```swift\n" + (1...200).map { "let value_\($0) = compute(\($0)) << 2 // <\($0)>" }.joined(separator: "\n")
            + "\n```\nEnd."
    }

    @Test func everyAnswerArrivesAsWrittenAndParses() async throws {
        #expect(Self.corpus.count >= 40)
        #expect(Self.formattedEverywhere.count > 9000)
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                let config = try workspace.writeConfig(
                    projects: [("alpha", alpha)],
                    extra: telegram.configSection(allowing: Self.owner))
                for (index, answer) in Self.corpus.enumerated() {
                    workspace.fake.script("corpus answer \(index) please", [.message(answer.markdown)])
                }
                _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.userEnvironment) {
                    process in
                    telegram.sendMessage(from: Self.owner, text: "/project alpha")
                    try await telegram.waitForMessages(to: Self.owner, count: 1)
                    for (index, answer) in Self.corpus.enumerated() {
                        let card = try await Self.card(for: "corpus answer \(index) please", telegram)
                        let text = card.map(\.text).joined(separator: "\n")
                        for message in card {
                            #expect(message.parseMode == "HTML", "answer \(index) fell back to plain text: \(message.raw.prefix(300))")
                        }
                        for exact in answer.exact {
                            #expect(text.contains(exact), "answer \(index): \"\(exact)\" not shown as written in:\n\(text)")
                        }
                        for word in Self.words(of: answer.markdown) where !text.contains(word) {
                            Issue.record("answer \(index): the word \"\(word)\" was lost")
                        }
                        if answer.markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                            #expect(text.contains("(Codex finished without writing an answer.)"), "answer \(index): \(text)")
                        }
                    }
                    try process.send(signal: .terminate)
                }
                #expect(telegram.rejectedSends == 0)
            }
        }
    }

    /// Sends the prompt and returns the result card's messages (several for a long answer).
    static func card(for prompt: String, _ telegram: FakeTelegramServer) async throws -> [FakeTelegramServer.SentMessage] {
        let before = telegram.messages(to: owner).count
        telegram.sendMessage(from: owner, text: "/new \(prompt)")
        let isCardStart: @Sendable (FakeTelegramServer.SentMessage) -> Bool = { $0.text.hasPrefix("✅ Done") || $0.text.hasPrefix("❌") }
        try await telegram.waitUntil("the card for \(prompt)") { $0.messages(to: owner).dropFirst(before).contains(where: isCardStart) }
        let messages = Array(telegram.messages(to: owner).dropFirst(before))
        let start = messages.firstIndex(where: isCardStart)!
        let parts = messages[start].text.firstMatch(of: /\(1\/(\d+)\)$/).flatMap { Int($0.1) } ?? 1
        try await telegram.waitUntil("all \(parts) parts of the card for \(prompt)") {
            $0.messages(to: owner).count >= before + start + parts
        }
        return Array(telegram.messages(to: owner).dropFirst(before + start).prefix(parts))
    }

    /// The answer's words (runs of letters and digits), leaving out what is markup, not text: link
    /// destinations, fence info strings and entity names.
    static func words(of markdown: String) -> Set<String> {
        var text = markdown.replacing(/\]\([^)\s]*(\([^)]*\))?[^)\s]*\)/, with: "] ")
        text = text.replacing(/&#?[A-Za-z0-9]+;/, with: " ")
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces).drop { $0 == ">" || $0 == " " }
            return trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") ? "" : String(line)
        }.joined(separator: "\n")
        var words: Set<String> = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else {
                if !current.isEmpty { words.insert(current) }
                current = ""
            }
        }
        if !current.isEmpty { words.insert(current) }
        return words
    }
}
