import Testing

@testable import CodexAdapter

/// The byte search the session index runs over every line it reads, anchored on a rare byte of the key.
@Suite struct ByteSearchTests {
    @Test func findsANeedleWhereverItsAnchorIs() {
        let needles = ["\"turn_context\"", "\"UserMessage\"", "\"role\":\"user\"", "\"user.", "x", "_a", "a_"]
        for needle in needles {
            let key = Array(needle.utf8)
            for text in [needle, "\"\"\"" + needle, needle + "\"\"", "a\"b_c:D\"" + needle + "\"e"] {
                #expect(ByteSearch.contains(Array(text.utf8), key), "\(needle) in \(text)")
            }
            // Cut by one byte at either end, or broken in the middle: not found.
            #expect(!ByteSearch.contains(Array(needle.utf8.dropLast()), key), "\(needle)")
            #expect(!ByteSearch.contains(Array(needle.utf8.dropFirst()), key), "\(needle)")
        }
        #expect(!ByteSearch.contains(Array("\"turn-context\" \"turn_contex\"".utf8), Array("\"turn_context\"".utf8)))
        #expect(!ByteSearch.contains([UInt8](), Array("x".utf8)))
    }
}
