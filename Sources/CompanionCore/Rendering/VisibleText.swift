/// Text a person must judge (a command to approve, a path, Codex's reason) shown so that nothing in it
/// hides: control, bidirectional-override, zero-width and other invisible characters are written out
/// as `⟨U+202E⟩`, look-alike spaces as `⟨U+00A0⟩`, and long runs of spaces or blank lines are collapsed
/// into a count (`⟨640 spaces⟩`) so that they cannot push the rest of the text out of sight.
///
/// When the result is still too long, `shortened` keeps its start AND its end and says how much was
/// left out: the end of a command is where a trick would sit.
public struct VisibleText: Sendable, Equatable {
    /// The pieces of the visible text; a marker such as `⟨U+202E⟩` is one piece, never cut in two.
    private let pieces: [String]

    /// `collapsingRuns` false keeps every space and line break (for a diff, whose indentation matters).
    public init(_ text: String, collapsingRuns: Bool = true) {
        pieces = Self.pieces(of: text, collapsingRuns: collapsingRuns)
    }

    /// The whole text, every invisible character and long run made visible.
    public var text: String { pieces.joined() }

    /// The number of characters in `text`.
    public var count: Int { pieces.reduce(0) { $0 + $1.count } }

    /// `text` if it has at most `limit` characters; else its first and last characters around a line
    /// that says how many were left out.
    public func shortened(to limit: Int) -> (text: String, leftOut: Int) {
        let total = count
        guard total > limit else { return (text, 0) }
        let headBudget = limit * 3 / 5
        let tailBudget = limit - headBudget
        var head: [String] = []
        var headCount = 0
        for piece in pieces {
            guard headCount + piece.count <= headBudget else { break }
            head.append(piece)
            headCount += piece.count
        }
        var tail: [String] = []
        var tailCount = 0
        for piece in pieces[head.count...].reversed() {
            guard tailCount + piece.count <= tailBudget else { break }
            tail.append(piece)
            tailCount += piece.count
        }
        let leftOut = total - headCount - tailCount
        let shown = head.joined() + "\n… ⟨\(leftOut) characters left out⟩ …\n" + tail.reversed().joined()
        return (shown, leftOut)
    }

    // MARK: - Building the pieces

    /// Runs of more than this many spaces (or tabs) are shown as a count.
    static let longestSpaceRun = 3
    /// Runs of more than this many line breaks are shown as a count.
    static let longestBreakRun = 2

    private static func pieces(of text: String, collapsingRuns: Bool) -> [String] {
        var pieces: [String] = []
        var run: (kind: Character, count: Int)?

        func flushRun() {
            guard let current = run else { return }
            run = nil
            if current.kind == "\n" {
                if current.count > longestBreakRun {
                    pieces.append("\n")
                    pieces.append("⟨\(current.count) line breaks⟩")
                    pieces.append("\n")
                } else {
                    pieces.append(contentsOf: Array(repeating: "\n", count: current.count))
                }
            } else if current.count > longestSpaceRun {
                pieces.append(" ⟨\(current.count) spaces⟩ ")
            } else {
                pieces.append(contentsOf: Array(repeating: " ", count: current.count))
            }
        }

        for scalar in text.unicodeScalars {
            let kind: Character? =
                switch scalar {
                case " ", "\t": " "
                case "\n": "\n"
                default: nil
                }
            if let kind, collapsingRuns {
                if run?.kind == kind {
                    run?.count += 1
                } else {
                    flushRun()
                    run = (kind, 1)
                }
                continue
            }
            flushRun()
            if isHidden(scalar) {
                pieces.append(marker(scalar))
            } else if let last = pieces.last, !last.hasPrefix("⟨"), !last.hasPrefix(" ⟨"), last != "\n", last != " ",
                isCombining(scalar)
            {
                // A combining mark stays with the character before it.
                pieces[pieces.count - 1] = last + String(scalar)
            } else {
                pieces.append(String(scalar))
            }
        }
        flushRun()
        return pieces
    }

    /// Characters that show nothing, or move or hide other text: controls (but the line break), format
    /// characters (bidirectional controls, zero-width ones, the BOM, tags), separators other than the
    /// plain space, and unassigned or private-use code points. The space, the tab and the line break
    /// are not: they show as themselves (long runs of them are counted instead).
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " || scalar == "\t" || scalar == "\n" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .unassigned, .privateUse, .surrogate:
            return true
        default:
            // Variation selectors and the Hangul fillers draw nothing either.
            return scalar.properties.isVariationSelector || [0x115F, 0x1160, 0x3164, 0xFFA0].contains(scalar.value)
        }
    }

    private static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    private static func marker(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "⟨U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)⟩"
    }
}
