import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body, as the dashboard's forms post them.
struct FormFields: Sendable, Equatable {
    private var values: [String: String] = [:]

    init() {}

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), values[name] == nil else { continue }
            values[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    init(body: ByteBuffer) {
        self.init(urlEncoded: body.getString(at: body.readerIndex, length: body.readableBytes) ?? "")
    }

    subscript(_ name: String) -> String? {
        values[name]
    }

    /// `+` is a space in a form; everything else is percent-encoded UTF-8.
    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
