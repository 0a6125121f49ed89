import CompanionCore
import Testing

@Suite struct TelegramTextTests {
    @Test func shortTextIsOneChunk() {
        #expect(MessageSplitter().split("hello") == ["hello"])
        #expect(MessageSplitter().split("").isEmpty)
    }

    @Test func longTextSplitsAtLinesWithinTheLimitAndIsLabelled() {
        let text = (1...400).map { "line \($0) with some words in it" }.joined(separator: "\n")
        let chunks = MessageSplitter(budget: 1000).split(text)
        #expect(chunks.count > 5)
        for (index, chunk) in chunks.enumerated() {
            #expect(chunk.unicodeScalars.count <= 1000 + 10)
            #expect(chunk.hasSuffix("(\(index + 1)/\(chunks.count))"))
        }
        // No line is cut in the middle, and nothing is lost.
        let lines = chunks.flatMap { $0.split(separator: "\n").dropLast() }.map(String.init)
        #expect(lines == text.split(separator: "\n").map(String.init))
    }

    @Test func codeFencesAreClosedAndReopenedAcrossChunks() {
        let code = (1...100).map { "print(\($0))" }.joined(separator: "\n")
        let text = "Intro\n```python\n" + code + "\n```\nOutro"
        let chunks = MessageSplitter(budget: 400).split(text)
        #expect(chunks.count > 2)
        for chunk in chunks {
            let fences = chunk.split(separator: "\n").filter { $0.hasPrefix("```") }.count
            #expect(fences % 2 == 0, "unbalanced fences in: \(chunk)")
        }
        #expect(chunks[1].hasPrefix("```python\n"))
    }

    @Test func aSingleHugeLineIsCutByCodePointsNotGraphemesOrUTF16() {
        let emoji = String(repeating: "👍🏽", count: 3000)  // 2 scalars each
        let chunks = MessageSplitter(budget: 1000).split(emoji)
        #expect(chunks.allSatisfy { $0.unicodeScalars.count <= 1010 })
        #expect(chunks.map { $0.split(separator: "\n").first.map(String.init) ?? "" }.joined().unicodeScalars.count == 6000)
    }

    @Test func htmlEscapesEverythingAndOnlyEmitsBalancedTags() {
        #expect(TelegramHTML.escape("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d")
        #expect(TelegramHTML.render("Use `x < y` and `z`") == "Use <code>x &lt; y</code> and <code>z</code>")
        #expect(TelegramHTML.render("odd ` backtick & <tag>") == "odd ` backtick &amp; &lt;tag&gt;")
        #expect(TelegramHTML.render("a `b` c `d") == "a <code>b</code> c `d")
        #expect(
            TelegramHTML.render("```swift\nlet a = \"<x>\"\n```")
                == "<pre><code class=\"language-swift\">let a = \"&lt;x&gt;\"</code></pre>")
        #expect(TelegramHTML.render("```\nunclosed <fence>") == "<pre>unclosed &lt;fence&gt;</pre>")
        #expect(TelegramHTML.render("✅ Done · a & b\nrest", boldFirstLine: true) == "<b>✅ Done · a &amp; b</b>\nrest")
        #expect(TelegramHTML.render("```\"><script>\nx\n```").hasPrefix("<pre><code class=\"language-script\">"))
    }

    @Test func commandsParseWithArgumentsAndBotNames() {
        #expect(BotCommand.parse("/project alpha", botUsername: "Bot") == .project("alpha"))
        #expect(BotCommand.parse("/project", botUsername: "Bot") == .project(nil))
        #expect(BotCommand.parse("/new@Bot  fix the\ntests ", botUsername: "Bot") == .new("fix the\ntests"))
        #expect(BotCommand.parse("/NEW@bot x", botUsername: "Bot") == .new("x"))
        #expect(BotCommand.parse("/new@OtherBot x", botUsername: "Bot") == .unknown("/new@OtherBot"))
        #expect(BotCommand.parse("/continue", botUsername: nil) == .continue(""))
        #expect(BotCommand.parse("/start", botUsername: nil) == .help)
        #expect(BotCommand.parse("/status", botUsername: nil) == .status)
        #expect(BotCommand.parse("/last", botUsername: nil) == .last)
        #expect(BotCommand.parse("  please fix it  ", botUsername: nil) == .prompt("please fix it"))
        #expect(BotCommand.parse("/rm -rf", botUsername: nil) == .unknown("/rm"))
    }
}
