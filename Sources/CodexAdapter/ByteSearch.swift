import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a short byte string in a buffer with `memchr` and `memcmp`: the index reads gigabytes of
/// rollout lines looking for a few keys, and `Data.range(of:)` is about a hundred times slower.
enum ByteSearch {
    static func contains(_ bytes: some ContiguousBytes, _ needle: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress, let first = needle.first, needle.count <= buffer.count else { return false }
            var cursor = base
            let end = base + (buffer.count - needle.count + 1)
            while cursor < end {
                guard let hit = memchr(cursor, Int32(first), end - cursor) else { return false }
                if memcmp(hit, needle, needle.count) == 0 { return true }
                cursor = UnsafeRawPointer(hit) + 1
            }
            return false
        }
    }
}
