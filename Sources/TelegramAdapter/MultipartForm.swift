import Foundation

/// A multipart/form-data body (RFC 7578) for uploads: text fields and one file. The file's name comes
/// from a repository or from Codex, so it may hold anything: in the quoted `filename` it loses line
/// breaks, other control characters, quotes and backslashes (a CR/LF would start a header of its own),
/// and `filename*` (RFC 5987) carries the same name as percent-encoded UTF-8, for clients that read it.
public struct MultipartForm: Sendable {
    public let boundary: String
    public private(set) var body = Data()

    public init(boundary: String = "companion-\(UUID().uuidString)") {
        self.boundary = boundary
    }

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public mutating func add(field name: String, value: String) {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }

    /// Adds the file and closes the body: the file is the last part.
    public mutating func finish(file field: String, name fileName: String, contents: Data) {
        body.append(
            Data(
                "--\(boundary)\r\n\(Self.contentDisposition(field: field, fileName: fileName))\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8))
        body.append(contents)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
    }

    /// `Content-Disposition: form-data; name="document"; filename="a.txt"; filename*=UTF-8''a.txt`.
    public static func contentDisposition(field: String, fileName: String) -> String {
        var plain = String.UnicodeScalarView()
        for scalar in fileName.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                continue
            default:
                if scalar != "\"" && scalar != "\\" { plain.append(scalar) }
            }
        }
        let shown = String(plain).trimmingCharacters(in: .whitespaces)
        let safe = shown.isEmpty ? "file" : shown
        return "Content-Disposition: form-data; name=\"\(field)\"; filename=\"\(safe)\"; filename*=UTF-8''\(Self.percentEncoded(safe))"
    }

    /// RFC 5987's `value-chars`: letters, digits and `!#$&+-.^_`|~` as they are, every other byte of
    /// the UTF-8 as %XX.
    public static func percentEncoded(_ text: String) -> String {
        let kept = Set("!#$&+-.^_`|~".utf8)
        var out = ""
        for byte in text.utf8 {
            let isLetterOrDigit = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if isLetterOrDigit || kept.contains(byte) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
