import Crypto
import Foundation

/// The SHA-256 digests the dashboard needs, from swift-crypto: the hex that keys login codes in the store
/// and sessions in the session book, and the base64 that a Content-Security-Policy hash source names.
enum Digests {
    /// Lowercase hex of the SHA-256 of the text's UTF-8.
    static func sha256Hex(_ text: String) -> String {
        sha256(text).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    /// Standard base64 (with padding) of the SHA-256 of the text's UTF-8, as CSP's `'sha256-…'` wants it.
    static func sha256Base64(_ text: String) -> String {
        Data(sha256(text)).base64EncodedString()
    }

    private static func sha256(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(text.utf8)))
    }
}
