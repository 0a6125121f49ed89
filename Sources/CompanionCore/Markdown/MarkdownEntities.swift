/// HTML entity references as CommonMark reads them in text: numeric ones (`&#35;`, `&#x1F600;`) and
/// the named ones models actually write. Anything else, `&bogus;` included, stays literal text.
enum MarkdownEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "copy": "©", "reg": "®",
        "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–", "laquo": "«", "raquo": "»", "ldquo": "“", "rdquo": "”",
        "lsquo": "‘", "rsquo": "’", "times": "×", "divide": "÷", "deg": "°", "plusmn": "±", "middot": "·", "bull": "•",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "para": "¶", "larr": "←", "rarr": "→",
        "uarr": "↑", "darr": "↓", "harr": "↔", "rArr": "⇒", "lArr": "⇐", "ne": "≠", "le": "≤", "ge": "≥", "infin": "∞",
        "check": "✓", "star": "☆", "hearts": "♥", "zwj": "\u{200D}", "zwnj": "\u{200C}", "lrm": "\u{200E}", "rlm": "\u{200F}",
        "shy": "\u{00AD}", "thinsp": "\u{2009}", "ensp": "\u{2002}", "emsp": "\u{2003}", "tab": "\t", "newline": "\n",
    ]

    /// The decoded text of the entity starting at `index` (an `&`) and the index after its `;`.
    static func decode(_ characters: [Character], at index: Int) -> (String, Int)? {
        var end = index + 1
        while end < characters.count, end - index <= 33, characters[end] != ";" {
            guard characters[end].isASCII, characters[end].isLetter || characters[end].isNumber || characters[end] == "#" else {
                return nil
            }
            end += 1
        }
        guard end < characters.count, characters[end] == ";", end > index + 1 else { return nil }
        let name = String(characters[(index + 1)..<end])
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = digits.count >= 2 && digits.count <= 7 ? UInt32(digits.dropFirst(), radix: 16) : nil
            } else {
                value = !digits.isEmpty && digits.count <= 7 ? UInt32(digits) : nil
            }
            guard let value else { return nil }
            // CommonMark turns the null character and invalid code points into the replacement character.
            let scalar = value == 0 ? nil : Unicode.Scalar(value)
            return (String(Character(scalar ?? "\u{FFFD}")), end + 1)
        }
        guard let text = named[name] else { return nil }
        return (text, end + 1)
    }
}
