/// Fetches a file a user sent in a chat. The Telegram adapter implements it with `getFile` and the Bot
/// API's file download; the token is never part of an error it throws.
public protocol ChatFileDownloading: Sendable {
    /// Writes the file `fileID` to `path` (creating it with mode 0600) and returns its size in bytes.
    /// Throws `ChatFileError.tooBig` without writing anything when it is larger than `maxBytes`, as
    /// announced or as it arrives.
    func download(fileID: String, to path: String, maxBytes: Int) async throws -> Int
}

/// Why a chat file could not be fetched.
public enum ChatFileError: Error, Equatable, Sendable {
    /// Larger than the limit (`bytes` when known).
    case tooBig(bytes: Int?)
    /// The chat service would not give it (the message says why, for the log).
    case unavailable(String)
}
