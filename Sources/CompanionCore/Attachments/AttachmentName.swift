/// A file name chosen by whoever sent or wrote the file, made safe for the two places it goes: the
/// prompt and chat replies (`quoted`), and the disk (`onDisk`). The sender's app can name a document
/// anything, newlines and direction overrides included (`log.txt\n\nSYSTEM: …`), and Codex must read
/// it as one quoted name, never as instructions of its own.
public enum AttachmentName {
    /// The longest name shown, in characters; a longer one keeps its start and its end (the extension).
    public static let displayLimit = 80

    /// The name on one line, in double quotes: control characters and line breaks become spaces,
    /// invisible characters (zero-width, direction overrides and isolates, other format characters) are
    /// dropped, runs of spaces collapse, a double quote becomes a single one, and a name longer than
    /// `limit` keeps its first and last characters with "…" between them.
    public static func quoted(_ raw: String, limit: Int = AttachmentName.displayLimit) -> String {
        var scalars = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in raw.unicodeScalars {
            if isInvisible(scalar) { continue }
            let isSpace = isBreak(scalar) || scalar.properties.isWhitespace
            if isSpace {
                if !lastWasSpace { scalars.append(" ") }
            } else {
                scalars.append(scalar == "\"" ? "'" : scalar)
            }
            lastWasSpace = isSpace
        }
        var name = String(scalars)
        if name.last == " " { name.removeLast() }
        if name.isEmpty { name = "unnamed" }
        if name.count > limit {
            let head = (limit - 1) / 2
            name = String(name.prefix(head)) + "…" + String(name.suffix(limit - 1 - head))
        }
        return "\"\(name)\""
    }

    /// A name for a file the companion saves: letters, digits, `.`, `-` and `_` only (no `/`, no space,
    /// nothing invisible), no leading dot (so never `..` or a hidden file), at most 80 characters.
    public static func onDisk(_ raw: String, fallback: String = "file") -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            let keep =
                scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "." || scalar == "-"
                || scalar == "_"
            scalars.append(keep ? scalar : "_")
        }
        let safe = String(String(scalars).drop { $0 == "." }.prefix(80))
        return safe.isEmpty ? fallback : safe
    }

    /// Characters that break a line or control the terminal: C0/C1 controls and the Unicode line and
    /// paragraph separators.
    private static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    /// Characters that show nothing but change how the rest reads: format characters (zero-width
    /// space and joiners, direction marks, embeddings, overrides U+202A–U+202E, isolates U+2066–U+2069,
    /// the byte-order mark) and the variation selectors.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format || scalar.properties.isVariationSelector
    }
}
