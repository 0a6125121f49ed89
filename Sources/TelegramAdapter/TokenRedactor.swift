import Foundation

/// Removes bot tokens from text before it is logged or shown: the token is part of every Bot API URL,
/// so any error that quotes a URL would leak it.
public struct TokenRedactor: Sendable {
    private let token: String

    public init(token: String) {
        self.token = token
    }

    public func redact(_ text: String) -> String {
        var result = token.isEmpty ? text : text.replacingOccurrences(of: token, with: "<redacted>")
        // Any other token-shaped text, e.g. from a misconfigured URL: bot123456:ABC-def_…
        result = result.replacingOccurrences(
            of: #"bot[0-9]{3,}:[A-Za-z0-9_-]{10,}"#, with: "bot<redacted>",
            options: .regularExpression)
        return result
    }
}
