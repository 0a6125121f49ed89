import CompanionCore
import Dashboard
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The pieces the pages build themselves: escaping, the Markdown answer, the diff, the timeline.
extension DashboardPagesTests {
    /// The part of a page between two markers.
    func section(_ html: String, from start: String, to end: String) -> Substring {
        guard let lower = html.range(of: start)?.upperBound, let upper = html[lower...].range(of: end)?.lowerBound else { return "" }
        return html[lower..<upper]
    }

    @Test func theEscapeHandlesScriptQuotesAndAmpersands() {
        let html = F.pages.login(message: "<script>alert('x')</script> \"quoted\" & more &amp;")
        #expect(html.contains("<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;quoted&quot; &amp; more &amp;amp;</p>"))
    }

    @Test func promptsAndAnswersAreEscapedOnEveryPage() {
        var state = F.state
        state.pending = [F.pending()]
        let pages = [
            F.pages.overview(state, csrf: F.csrf, now: F.now),
            F.pages.task(F.endedTask, project: F.alpha, progress: nil, diff: F.diff, csrf: F.csrf, now: F.now),
            F.pages.sessions(F.alpha, sessions: F.sessions, csrf: F.csrf, now: F.now),
            F.pages.approvals([F.pending()], csrf: F.csrf, now: F.now),
            F.pages.audit(F.audit, filter: AuditFilter(), projects: [F.alpha], csrf: F.csrf),
        ]
        for html in pages {
            #expect(!html.contains("<script>alert"))
            #expect(!html.contains("\"quotes\""))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
        // A token with quotes cannot leave its attribute either.
        let page = F.pages.overview(F.state, csrf: "a\"><script>x</script>", now: F.now)
        #expect(page.contains("<meta name=\"csrf-token\" content=\"a&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">"))
    }

    @Test func theAnswerIsRenderedFromMarkdownToSafeHTML() {
        let html = F.pages.task(F.endedTask, project: F.alpha, progress: nil, diff: nil, csrf: F.csrf, now: F.now)
        let answer = section(html, from: "<div class=\"answer\">", to: "</div>")
        #expect(answer.contains("<p>Done: <strong>fixed</strong> the <code>parser</code> &lt;script&gt;alert(1)&lt;/script&gt;.</p>"))
        #expect(answer.contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>"))
        #expect(answer.contains("<pre><code class=\"language-swift\">let x = 1 &lt; 2</code></pre>"))
        #expect(
            answer.contains(
                "<a href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\" rel=\"noopener noreferrer\" target=\"_blank\">docs</a>"))
        #expect(answer.contains("<a href=\"mailto:me@example.com\" rel=\"noopener noreferrer\" target=\"_blank\">mail</a>"))
        #expect(answer.contains(" bad "))
        #expect(!answer.contains("javascript:"))
        #expect(!answer.contains("<script"))
    }

    @Test func markdownBlocksBecomeTheirHTMLElements() {
        var task = F.endedTask
        task.finalMessage = """
            # Title

            1. first
            2. second *em* ~~gone~~

            > quoted <b>

            | a | b |
            |---|---|
            | `x` | [site](http://example.org) |

            ![logo](https://example.com/logo.png) ![x](data:image/png;base64,AAA)
            """
        let html = F.pages.task(task, project: F.alpha, progress: nil, diff: nil, csrf: F.csrf, now: F.now)
        let answer = section(html, from: "<div class=\"answer\">", to: "</div>\n")
        #expect(answer.contains("<h3>Title</h3>"))
        #expect(answer.contains("<ol>\n<li>first</li>\n<li>second <em>em</em> <del>gone</del></li>\n</ol>"))
        #expect(answer.contains("<blockquote>\n<p>quoted &lt;b&gt;</p>\n</blockquote>"))
        #expect(answer.contains("<td><code>x</code></td><td><a href=\"http://example.org\" rel=\"noopener noreferrer\""))
        // Images are never loaded: a web image becomes a link, anything else only its alt text.
        #expect(answer.contains("<a href=\"https://example.com/logo.png\" rel=\"noopener noreferrer\" target=\"_blank\">logo</a>"))
        #expect(!answer.contains("<img"))
        #expect(!answer.contains("data:"))
        let hrefs = answer.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(hrefs.allSatisfy { $0.hasPrefix("http://") || $0.hasPrefix("https://") || $0.hasPrefix("mailto:") })
    }

    @Test func theDiffIsColouredByLineKind() {
        let html = F.pages.task(F.endedTask, project: F.alpha, progress: nil, diff: F.diff, csrf: F.csrf, now: F.now)
        let diff = section(html, from: "<pre class=\"diff\">", to: "</pre>")
        #expect(diff.contains("<span class=\"file\">diff --git a/Sources/A.swift b/Sources/A.swift</span>"))
        #expect(diff.contains("<span class=\"file\">--- a/Sources/A.swift</span>"))
        #expect(diff.contains("<span class=\"file\">+++ b/Sources/A.swift</span>"))
        #expect(diff.contains("<span class=\"hunk\">@@ -1,3 +1,2 @@</span>"))
        #expect(diff.contains("<span class=\"ctx\"> let a = 1</span>"))
        #expect(diff.contains("<span class=\"del\">-let b = &quot;&lt;old&gt;&quot;</span>"))
        #expect(diff.contains("<span class=\"add\">+let b = &quot;&lt;new&gt;&quot;</span>"))
        // Inside a hunk, a removed line that reads like a file header is still a removed line.
        #expect(diff.contains("<span class=\"del\">--- a/Sources/A.swift removed line that looks like a header</span>"))
        #expect(diff.contains("<span class=\"hunk\">@@ -10,2 +9,1 @@ func tail()</span><span class=\"ctx\"> let x = 1</span>"))
        #expect(diff.contains("<span class=\"del\">-let y = 2</span>"))
        #expect(html.contains("Changes <span class=\"muted\">+1 −3</span>"))
    }

    @Test func theTimelineHasOneBarPerCommandAndFileChangeColouredByOutcome() {
        let html = F.pages.task(F.endedTask, project: F.alpha, progress: nil, diff: nil, csrf: F.csrf, now: F.now)
        let svg = section(html, from: "<svg", to: "</svg>")
        let bars = svg.components(separatedBy: "<rect class=\"bar ").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(bars == ["ok", "failed", "declined", "ok", "ok"])
        #expect(svg.contains("data-outcome=\"failed\""))
        #expect(svg.contains("fill=\"#2da44e\"><title>ok: swift build (exit 0)</title>"))
        #expect(svg.contains("fill=\"#cf222e\"><title>failed: swift test --filter &quot;&lt;x&gt;&quot; (exit 1)</title>"))
        #expect(svg.contains("fill=\"#bf8700\"><title>declined: rm -rf / (declined)</title>"))
        #expect(svg.contains("<title>ok: update Sources/A.swift +12 −3</title>"))
        // The legend names the three outcomes, and the picture says its times are not recorded.
        for outcome in ["ok", "failed", "declined"] { #expect(svg.contains(">\(outcome)</text>")) }
        #expect(svg.contains("<title>Timeline: order of steps; times not recorded</title>"))
        #expect(html.contains("<figcaption>"))
        #expect(svg.contains(">2m 00s</text>"))
        #expect(svg.hasPrefix(" xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("viewBox=\"0 0 760 202\""))

        // Well-formed XML, so every browser draws it.
        let parser = XMLParser(data: Data(("<svg" + svg + "</svg>").utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")

        var quiet = F.endedTask
        quiet.commands = []
        quiet.filesChanged = []
        #expect(!F.pages.task(quiet, project: F.alpha, progress: nil, diff: nil, csrf: F.csrf, now: F.now).contains("<svg"))
    }
}
