/// A file that came with a chat message: a photo, a document or a voice note, as the chat client names
/// it. Nothing is downloaded until the router decides the message may run.
public struct IncomingAttachment: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A photo (the largest size Telegram offers).
        case photo
        /// A file sent as a document; images sent this way are treated as photos once their bytes say so.
        case document
        /// A voice note (Telegram sends Ogg/Opus).
        case voice
    }

    public var kind: Kind
    /// The client's id for downloading it (Telegram's `file_id`).
    public var fileID: String
    /// The name the sender's app gave it, for documents.
    public var fileName: String?
    public var mimeType: String?
    /// Its size as the client announced it, when it did.
    public var size: Int?
    /// A voice note's length in seconds.
    public var duration: Int?

    public init(
        kind: Kind, fileID: String, fileName: String? = nil, mimeType: String? = nil, size: Int? = nil, duration: Int? = nil
    ) {
        self.kind = kind
        self.fileID = fileID
        self.fileName = fileName
        self.mimeType = mimeType
        self.size = size
        self.duration = duration
    }
}
