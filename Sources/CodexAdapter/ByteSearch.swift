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

    static func contains(_ bytes: some ContiguousBytes, _ needle: [UInt8]) -> Bool {
        firstOffset(of: needle, in: bytes) != nil
    }

    /// Where `needle` first starts in `bytes`, counted from their start.
    static func firstOffset(of needle: [UInt8], in bytes: some ContiguousBytes) -> Int? {
        bytes.withUnsafeBytes { buffer -> Int? in
            guard let base = buffer.baseAddress, let first = needle.first, needle.count <= buffer.count else { return nil }
            var cursor = base
            let end = base + (buffer.count - needle.count + 1)
            while cursor < end {
                guard let hit = memchr(cursor, Int32(first), end - cursor) else { return nil }
                if memcmp(hit, needle, needle.count) == 0 { return UnsafeRawPointer(hit) - base }
                cursor = UnsafeRawPointer(hit) + 1
            }
            return nil
        }
    }
}
