import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value inside one JSON text, read in place: looking up a key walks the object's members and skips
/// the other values without building them, and only the strings and numbers asked for become Swift
/// values. The session index takes a handful of fields from lines of 0.5 to 40 KB; `JSONDecoder` spends
/// about 20 µs a line on its containers, whatever the line's size (`companion-bench`, first index).
///
/// It checks only what it walks through: an ill-formed value elsewhere in the text may go unnoticed,
/// and anything it cannot read is nil.
struct JSONView {
    private let bytes: UnsafeRawBufferPointer
    /// The value's bytes, from its first to just past its last.
    private let range: Range<Int>

    /// Runs `body` on the text's top-level value (nil when there is none).
    static func read<T>(_ text: some ContiguousBytes, _ body: (JSONView?) -> T?) -> T? {
        text.withUnsafeBytes { bytes in
            var scanner = Scanner(bytes: bytes, index: 0)
            scanner.skipWhitespace()
            let start = scanner.index
            guard scanner.skipValue() else { return body(nil) }
            return body(JSONView(bytes: bytes, range: start..<scanner.index))
        }
    }

    private var first: UInt8 { bytes[range.lowerBound] }

    var isObject: Bool { first == UInt8(ascii: "{") }

    /// The value of `key` in this object.
    subscript(key: String) -> JSONView? {
        var found: JSONView?
        forEachMember { name, value in
            if name.elementsEqual(key.utf8) {
                found = value
                return false
            }
            return true
        }
        return found
    }

    /// This object's keys, in order.
    var keys: [String] {
        var keys: [String] = []
        forEachMember { name, _ in
            keys.append(String(decoding: name, as: UTF8.self))
            return true
        }
        return keys
    }

    /// This array's elements.
    var elements: [JSONView] {
        guard first == UInt8(ascii: "[") else { return [] }
        var scanner = Scanner(bytes: bytes, index: range.lowerBound + 1)
        var elements: [JSONView] = []
        scanner.skipWhitespace()
        if scanner.peek == UInt8(ascii: "]") { return [] }
        while true {
            scanner.skipWhitespace()
            let start = scanner.index
            guard scanner.skipValue() else { return elements }
            elements.append(JSONView(bytes: bytes, range: start..<scanner.index))
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ",")) else { return elements }
        }
    }

    /// This string, unescaped.
    var string: String? {
        guard first == UInt8(ascii: "\""), range.count >= 2 else { return nil }
        let content = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        guard content.contains(UInt8(ascii: "\\")) else { return String(decoding: content, as: UTF8.self) }
        return Self.unescape(content)
    }

    /// This number, when it is an integer.
    var int: Int? {
        guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
        return Int(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }

    /// Calls `body` with each member's raw key and value until it returns false.
    private func forEachMember(_ body: (UnsafeRawBufferPointer, JSONView) -> Bool) {
        guard isObject else { return }
        var scanner = Scanner(bytes: bytes, index: range.lowerBound + 1)
        while true {
            scanner.skipWhitespace()
            let keyStart = scanner.index
            guard scanner.peek == UInt8(ascii: "\""), scanner.skipString() else { return }
            let name = UnsafeRawBufferPointer(rebasing: bytes[(keyStart + 1)..<(scanner.index - 1)])
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ":")) else { return }
            scanner.skipWhitespace()
            let valueStart = scanner.index
            guard scanner.skipValue() else { return }
            guard body(name, JSONView(bytes: bytes, range: valueStart..<scanner.index)) else { return }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ",")) else { return }
        }
    }

    /// A string's content with its escapes resolved (`\n`, `\"`, `\u00e9`, surrogate pairs…).
    private static func unescape(_ content: UnsafeRawBufferPointer) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(content.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= content.count else { return nil }
            return UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: content[at..<(at + 4)]), as: UTF8.self), radix: 16)
        }
        while index < content.count {
            let byte = content[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < content.count else { return nil }
            let escaped = content[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escaped)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(index) else { return nil }
                index += 4
                // A high surrogate takes the low one that follows.
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= content.count, content[index] == UInt8(ascii: "\\"),
                    content[index + 1] == UInt8(ascii: "u"), let low = hex4(index + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                output.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: return nil
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Walks a JSON text forwards, skipping whole values.
    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index: Int

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        /// Moves past the value that starts here; false if there is none or it is cut off.
        mutating func skipValue() -> Bool {
            guard let byte = peek else { return false }
            switch byte {
            case UInt8(ascii: "\""): return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["): return skipContainer()
            default:
                let start = index
                while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]"),
                    byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09
                {
                    index += 1
                }
                return index > start
            }
        }

        /// Moves past the string that starts here (at its quote): to the next quote not escaped, found
        /// with `memchr` (long instructions are skipped at memory speed).
        mutating func skipString() -> Bool {
            guard let base = bytes.baseAddress else { return false }
            var cursor = index + 1
            while cursor < bytes.count {
                guard let hit = memchr(base + cursor, Int32(UInt8(ascii: "\"")), bytes.count - cursor) else { return false }
                let quote = UnsafeRawPointer(hit) - base
                // An odd run of backslashes before it escapes it.
                var backslashes = 0
                while quote - backslashes - 1 >= cursor, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
                if backslashes % 2 == 0 {
                    index = quote + 1
                    return true
                }
                cursor = quote + 1
            }
            return false
        }

        /// Moves past the object or array that starts here, counting brackets outside strings.
        private mutating func skipContainer() -> Bool {
            var depth = 0
            while let byte = peek {
                switch byte {
                case UInt8(ascii: "\""):
                    guard skipString() else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                default:
                    break
                }
                index += 1
            }
            return false
        }
    }
}
