import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a short byte string in a buffer with `memchr` and `memcmp`: the index reads gigabytes of
/// rollout lines looking for a few keys, and `Data.range(of:)` is about a hundred times slower.
enum ByteSearch {
    /// The positions of every `byte` in `bytes`, in order.
    static func positions(of byte: UInt8, in bytes: [UInt8], from start: Int = 0) -> [Int] {
        bytes.withUnsafeBytes { buffer -> [Int] in
            guard let base = buffer.baseAddress, start < buffer.count else { return [] }
            var found: [Int] = []
            var cursor = base + start
            let end = base + buffer.count
            while cursor < end, let hit = memchr(cursor, Int32(byte), end - cursor) {
                found.append(UnsafeRawPointer(hit) - base)
                cursor = UnsafeRawPointer(hit) + 1
            }
            return found
        }
    }

    /// The first position of `byte` at or after `start`, if any.
    static func firstPosition(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBytes { buffer -> Int? in
            guard let base = buffer.baseAddress, start < buffer.count,
                let hit = memchr(base + start, Int32(byte), buffer.count - start)
            else { return nil }
            return UnsafeRawPointer(hit) - base
        }
    }

    /// Whether `needle` occurs in `bytes`. It looks for one byte of the needle with `memchr`, and compares
    /// the rest only there: a rarer byte than the leading quote of a JSON key (`_`, `:`, a capital), or
    /// every `"` of a 40 KB line would cost a comparison.
    static func contains(_ bytes: some ContiguousBytes, _ needle: [UInt8]) -> Bool {
        let anchor = needle.firstIndex { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || (65...90).contains($0) } ?? 0
        return bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress, !needle.isEmpty, needle.count <= buffer.count else { return false }
            // The anchor byte's possible positions: the needle must fit before and after it.
            var cursor = base + anchor
            let end = base + (buffer.count - needle.count + anchor + 1)
            while cursor < end {
                guard let hit = memchr(cursor, Int32(needle[anchor]), end - cursor) else { return false }
                if memcmp(UnsafeRawPointer(hit) - anchor, needle, needle.count) == 0 { return true }
                cursor = UnsafeRawPointer(hit) + 1
            }
            return false
        }
    }
}
