extension TurnRecord {
    /// Codex's answer to one input of a turn, and the text the user added after it, if any.
    public struct Answer: Sendable, Equatable, Codable {
        public var text: String
        /// The text steered into the turn after this answer, which the next answer replies to.
        public var followedBy: String?

        public init(text: String, followedBy: String? = nil) {
            self.text = text
            self.followedBy = followedBy
        }

        /// The answers as one Markdown text, in order: after each answer that was followed by added text,
        /// a rule and the added text in a quote, so the reader sees which answer replies to what. A turn
        /// nobody steered is its one answer, unchanged.
        static func joined(_ answers: [Answer]) -> String {
            var parts: [String] = []
            for answer in answers {
                parts.append(answer.text)
                if answer.followedBy == CodexRecovery.shownAs {
                    // Codex's own words in the user's place: said as Codex's, not quoted as the person's.
                    parts.append("---\n\n⟳ " + CodexRecovery.shownAs)
                } else if let added = answer.followedBy {
                    let quoted = added.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }
                    parts.append("---\n\n✉ You added:\n" + quoted.joined(separator: "\n"))
                }
            }
            return parts.joined(separator: "\n\n")
        }
    }
}
