import CompanionCore
import Dashboard
import Foundation
import PortFakes
import Testing

@Suite struct LoginLinkTests {
    @Test func theHashIsSHA256() {
        #expect(LoginLink.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(LoginLink.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            LoginLink.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            LoginLink.hash(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        // 55, 56 and 64 bytes: the padding's edge cases.
        #expect(LoginLink.hash(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(LoginLink.hash(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(LoginLink.hash(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func codesAreLongRandomAndURLSafe() {
        let codes = (0..<100).map { _ in LoginLink.newCode() }
        #expect(Set(codes).count == 100)
        for code in codes {
            #expect(code.count >= 22)  // at least 128 bits in base64
            #expect(code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
    }

    @Test func linksNameTheAddress() {
        #expect(LoginLink.url(host: "127.0.0.1", port: 8787, code: "abc") == "http://127.0.0.1:8787/login?code=abc")
        #expect(LoginLink.url(host: "::1", port: 9000, code: "abc") == "http://[::1]:9000/login?code=abc")
        #expect(LoginLink.url(host: "0.0.0.0", port: 8787, code: "abc") == "http://127.0.0.1:8787/login?code=abc")
    }

    @Test func anIssuedLinkIsStoredAsAHashForItsLifetime() async throws {
        let codes = FakeLoginCodes()
        let clock = ManualClock()
        let link = try await LoginLink.issue(host: "127.0.0.1", port: 8787, lifetime: .seconds(600), loginCodes: codes, clock: clock)
        let code = try #require(link.components(separatedBy: "code=").last)
        #expect(try await !codes.redeemLoginCode(hash: code, at: clock.now()))
        #expect(try await codes.redeemLoginCode(hash: LoginLink.hash(code), at: clock.now().addingTimeInterval(599)))
        #expect(try await !codes.redeemLoginCode(hash: LoginLink.hash(code), at: clock.now()))
    }
}
