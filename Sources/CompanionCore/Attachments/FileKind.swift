/// What a file is, from its first bytes (never from its name or the sender's word for it).
public enum FileKind: Sendable, Equatable {
    case image(format: String)
    /// A program: no use to Codex as an input, and not to be handed over as one.
    case executable
    /// Audio or video sent as a file.
    case media
    /// Anything else: text, a log, a patch, a CSV, a PDF, an archive. Codex gets its path.
    case other

    public init(head: [UInt8]) {
        func starts(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + bytes.count && Array(head[offset..<offset + bytes.count]) == bytes
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .image(format: "png")
        } else if starts([0xFF, 0xD8, 0xFF]) {
            self = .image(format: "jpeg")
        } else if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) {
            self = .image(format: "gif")
        } else if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) {
            self = .image(format: "webp")
        } else if starts([0x7F, 0x45, 0x4C, 0x46]) || starts([0xCF, 0xFA, 0xED, 0xFE]) || starts([0xCE, 0xFA, 0xED, 0xFE])
            || starts([0xCA, 0xFE, 0xBA, 0xBE]) || starts(Array("MZ".utf8))
        {
            self = .executable
        } else if starts(Array("OggS".utf8)) || starts(Array("ID3".utf8)) || starts(Array("ftyp".utf8), at: 4)
            || starts([0x1A, 0x45, 0xDF, 0xA3])
        {
            self = .media
        } else {
            self = .other
        }
    }
}
