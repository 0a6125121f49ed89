/// Finds where the elements of an array sit in JSON text, so each can be kept as the bytes it was
/// sent as (getUpdates' updates are stored verbatim). Expects text a JSON parser has already accepted:
/// it only tracks strings and nesting, and returns nil rather than guess on anything else.
package enum RawJSONArray {
    /// The byte ranges of the elements of the array stored under `key` in the top-level object of
    /// `json`, in order; nil when there is no such array. The key must be written without escapes.
    package static func elements(under key: String, in json: [UInt8]) -> [Range<Int>]? {
        var scanner = Scanner(bytes: json)
        let wanted = Array(key.utf8)
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        if scanner.consume(UInt8(ascii: "}")) { return nil }
        while true {
            guard let name = scanner.string() else { return nil }
            guard scanner.consume(UInt8(ascii: ":")) else { return nil }
            scanner.skipWhitespace()
            // The name's bytes without the quotes.
            if json[(name.lowerBound + 1)..<(name.upperBound - 1)].elementsEqual(wanted), scanner.peek == UInt8(ascii: "[") {
                return scanner.arrayElements()
            }
            guard scanner.value() != nil else { return nil }
            guard scanner.consume(UInt8(ascii: ",")) else { return nil }
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        }

        /// Skips whitespace, then `byte` if it comes next.
        mutating func consume(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard peek == byte else { return false }
            position += 1
            return true
        }

        /// The elements of the array starting here.
        mutating func arrayElements() -> [Range<Int>]? {
            guard consume(UInt8(ascii: "[")) else { return nil }
            if consume(UInt8(ascii: "]")) { return [] }
            var elements: [Range<Int>] = []
            while true {
                guard let element = value() else { return nil }
                elements.append(element)
                if consume(UInt8(ascii: "]")) { return elements }
                guard consume(UInt8(ascii: ",")) else { return nil }
            }
        }

        /// Skips whitespace and one value; returns the value's range.
        mutating func value() -> Range<Int>? {
            skipWhitespace()
            guard let first = peek else { return nil }
            switch first {
            case UInt8(ascii: "\""):
                return string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                return container()
            default:
                // A number, true, false or null: runs to the next delimiter.
                let start = position
                while let byte = peek, !Self.delimiters.contains(byte) { position += 1 }
                return position > start ? start..<position : nil
            }
        }

        static let delimiters: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D]

        /// Skips whitespace and one string, quotes included; returns its range.
        mutating func string() -> Range<Int>? {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { return nil }
            let start = position
            position += 1
            while let byte = peek {
                position += byte == UInt8(ascii: "\\") ? 2 : 1
                if byte == UInt8(ascii: "\"") { return start..<position }
            }
            return nil
        }

        /// Skips an object or array with everything nested in it; returns its range.
        mutating func container() -> Range<Int>? {
            let start = position
            var depth = 0
            while let byte = peek {
                switch byte {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return nil }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                default:
                    break
                }
                position += 1
                if depth == 0 { return start..<position }
            }
            return nil
        }
    }
}
