import Foundation
import Mustache

/// The one HTML escape of the dashboard. Everything that comes from a task, a prompt, Codex, a session
/// file or the file system passes through it: the templates' `{{value}}` (the content type below makes
/// Mustache call it) and every fragment the pages build in Swift (Markdown, diff, timeline).
enum HTMLText {
    /// Escapes the five characters that matter in text and in quoted attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Text with its line breaks kept as `<br>`, for wording the core writes as lines.
    static func lines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "<br>\n")
    }

    /// A link target the dashboard may put in an `href`: web and mail addresses only, never
    /// `javascript:`, `data:` or a relative path from Codex's text.
    static func isSafeLink(_ destination: String) -> Bool {
        let lowered = destination.trimmingCharacters(in: .whitespaces).lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("mailto:") else { return false }
        return !destination.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// The name templates declare (`{{% CONTENT_TYPE: COMPANION_HTML }}`, added by `PageTemplates`).
    static let contentTypeName = "COMPANION_HTML"
}

/// Makes Mustache's `{{value}}` use `HTMLText.escape`, so the templates and the Swift code escape alike.
struct CompanionHTMLContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        HTMLText.escape(text)
    }
}
