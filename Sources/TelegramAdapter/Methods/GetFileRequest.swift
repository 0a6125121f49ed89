/// getFile: where to download a file a user sent (`file_path`), and its size. Telegram gives a path only
/// for files of at most 20 MB and refuses larger ones with 400 "Bad Request: file is too big".
public struct GetFileRequest: Encodable, Sendable, Equatable {
    public var fileID: String

    enum CodingKeys: String, CodingKey {
        case fileID = "file_id"
    }

    public init(fileID: String) {
        self.fileID = fileID
    }
}

/// getFile's result (a Bot API `File`). The path is valid for at least an hour.
public struct TelegramFile: Decodable, Sendable, Equatable {
    public var fileID: String
    public var fileUniqueID: String?
    /// Its size in bytes, when Telegram knows it.
    public var fileSize: Int?
    /// The path under `{base}/file/bot<token>/` to download it from.
    public var filePath: String?

    enum CodingKeys: String, CodingKey {
        case fileID = "file_id"
        case fileUniqueID = "file_unique_id"
        case fileSize = "file_size"
        case filePath = "file_path"
    }

    public init(fileID: String, fileUniqueID: String? = nil, fileSize: Int? = nil, filePath: String? = nil) {
        self.fileID = fileID
        self.fileUniqueID = fileUniqueID
        self.fileSize = fileSize
        self.filePath = filePath
    }
}
