import Foundation

/// sendDocument: a file with a caption of at most 1024 characters. Uploaded as multipart/form-data,
/// where every field is text, so it lists its fields instead of being `Encodable`.
public struct SendDocumentRequest: Sendable, Equatable {
    public var chatID: Int64
    public var caption: String?
    public var fileName: String
    public var contents: Data

    public init(chatID: Int64, caption: String? = nil, fileName: String, contents: Data) {
        self.chatID = chatID
        self.caption = caption
        self.fileName = fileName
        self.contents = contents
    }

    /// The text fields by their Bot API names; the file goes in the `document` field.
    var formFields: [(name: String, value: String)] {
        [("chat_id", "\(chatID)")] + (caption.map { [("caption", $0)] } ?? [])
    }

    static let fileField = "document"
}
