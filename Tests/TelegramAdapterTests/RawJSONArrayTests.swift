import Foundation
import TelegramAdapter
import Testing

/// Locating getUpdates' updates in the answer, so each is stored as the bytes Telegram sent.
@Suite struct RawJSONArrayTests {
    private func elements(_ json: String, under key: String = "result") -> [String]? {
        let bytes = Array(json.utf8)
        return RawJSONArray.elements(under: key, in: bytes)?.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func elementsAreSlicedAsWrittenWhateverTheyContain() {
        let json = #"""
            { "ok" : true , "result" : [ {"update_id":1,"message":{"text":"] }, { \" \\ [","entities":[{"a":[1,2]}]}} ,
              {"update_id":2,"x":"é ✓"},3, -1.5e3 ,true,null,"s",[] ] , "after": {"result": [9]} }
            """#
        #expect(
            elements(json) == [
                #"{"update_id":1,"message":{"text":"] }, { \" \\ [","entities":[{"a":[1,2]}]}}"#,
                #"{"update_id":2,"x":"é ✓"}"#, "3", "-1.5e3", "true", "null", #""s""#, "[]",
            ])
    }

    @Test func theKeyIsLookedUpAtTheTopLevelOnly() {
        #expect(elements(#"{"other":{"result":[1]},"skip":"result","result":[2]}"#) == ["2"])
        #expect(elements(#"{"ok":true,"result":[]}"#) == [])
    }

    @Test func anythingElseIsNil() {
        #expect(elements(#"{"ok":true,"result":true}"#) == nil)
        #expect(elements(#"{"ok":true}"#) == nil)
        #expect(elements(#"{}"#) == nil)
        #expect(elements(#"[1,2]"#) == nil)
        #expect(elements(#"{"result":[1,2"#) == nil)
        #expect(elements(#"{"result":[{"a":"unterminated}]}"#) == nil)
        #expect(elements("") == nil)
    }
}
