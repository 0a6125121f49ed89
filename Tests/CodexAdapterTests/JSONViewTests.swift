import Foundation
import Testing

@testable import CodexAdapter

/// The in-place JSON reader the session index uses: it must read what `JSONSerialization` writes,
/// escapes and all, and say nil (never crash or read past the end) on anything cut off or ill-formed.
@Suite struct JSONViewTests {
    static func json(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])) ?? Data()
    }

    @Test func readsNestedFieldsAndSkipsTheRest() {
        let text = Data(
            #"""
             { "skip": {"a": [1, {"b": "}]\"{["}], "c": null}, "type" : "event_msg",
              "payload": {"type": "token_count", "info": {"total_token_usage": {"input_tokens": 1200, "output_tokens": -3}}},
              "after": true }
            """#.utf8)
        let result = JSONView.read(text) { root -> [String] in
            guard let root, let usage = root["payload"]?["info"]?["total_token_usage"] else { return [] }
            return [
                root["type"]?.string ?? "-", String(usage["input_tokens"]?.int ?? 0), String(usage["output_tokens"]?.int ?? 0),
                root["skip"]?["a"]?.elements.last?["b"]?.string ?? "-", root.keys.joined(separator: ","),
                String(root["missing"] == nil), String(root["after"]?.string == nil),
            ]
        }
        #expect(result == ["event_msg", "1200", "-3", "}]\"{[", "skip,type,payload,after", "true", "true"])
    }

    @Test func stringsComeBackAsJSONSerializationWroteThem() {
        let samples = [
            "plain", "", "quote \" backslash \\ slash / end\\", "line\nbreak\ttab\r\u{08}\u{0C}", "é ü 日本 🎉 \u{1F600}",
            "\u{01}\u{1F} control", "ends with backslash \\\\", String(repeating: "long \\\" text ", count: 5000),
        ]
        for sample in samples {
            let text = Self.json(["k": sample, "n": ["x": sample]])
            let read = JSONView.read(text) { root in root?["n"]?["x"]?.string }
            #expect(read == sample, "\(sample.prefix(40))")
        }
        // Escapes JSONSerialization does not write, as other writers do.
        let escaped = Data(#"{"k":"\u00e9\ud83d\ude00\/\u0041"}"#.utf8)
        #expect(JSONView.read(escaped) { $0?["k"]?.string } == "é😀/A")
    }

    @Test func arraysOfPartsAndObjectKeys() {
        let text = Self.json(["content": [["type": "text", "text": "a"], ["type": "image"], ["text": "b"]], "source": ["subagent": [:]]])
        let texts = JSONView.read(text) { $0?["content"]?.elements.compactMap { $0["text"]?.string } }
        #expect(texts == ["a", "b"])
        #expect(JSONView.read(text) { $0?["source"]?.keys } == ["subagent"])
        #expect(JSONView.read(Data("[]".utf8)) { $0?.elements.count } == 0)
        #expect(JSONView.read(Data("{}".utf8)) { $0?.keys } == [])
    }

    /// A line cut anywhere, or not JSON, gives nil for what lies beyond the cut, and never a crash.
    @Test func cutOrIllFormedTextGivesNil() {
        let text = Array(#"{"type":"event_msg","payload":{"type":"user_message","message":"hi \"there\""}}"#.utf8)
        for end in 0..<text.count {
            let cut = Array(text[0..<end])
            let message = JSONView.read(cut) { $0?["payload"]?["message"]?.string }
            #expect(message == nil, "cut at \(end)")
        }
        #expect(JSONView.read(text) { $0?["payload"]?["message"]?.string } == "hi \"there\"")
        for junk in ["not json", "\"unterminated", "{\"k\" 1}", "{\"k\":\"\\x\"}", "{\"k\":\"\\u12\"}", "{\"k\":}"] {
            #expect(JSONView.read(Data(junk.utf8)) { $0?["k"]?.string } == nil, "\(junk)")
        }
        #expect(JSONView.read(Data("{\"k\":\"v\"}".utf8)) { $0?["k"]?.int } == nil)
    }
}
