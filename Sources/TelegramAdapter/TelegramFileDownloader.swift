import CompanionCore
import Foundation

/// Fetches the files users send with `getFile` and the Bot API's file download. The Bot API serves at
/// most 20 MB: a larger file (announced by getFile, or refused by it) is too big before anything is
/// downloaded. No error it throws names the token.
public struct TelegramFileDownloader: ChatFileDownloading {
    /// The largest file the Bot API lets a bot download.
    public static let botAPILimit = 20 << 20

    private let client: BotAPIClient
    private let timeout: Duration

    /// `timeout` bounds one download, from the request to its last byte.
    public init(client: BotAPIClient, timeout: Duration = .seconds(120)) {
        self.client = client
        self.timeout = timeout
    }

    public func download(fileID: String, to path: String, maxBytes: Int) async throws -> Int {
        let limit = min(maxBytes, Self.botAPILimit)
        let file: TelegramFile
        do {
            file = try await client.getFile(GetFileRequest(fileID: fileID))
        } catch {
            try Task.checkCancellation()
            if case .api(400, let description, _) = error, description.contains("file is too big") {
                throw ChatFileError.tooBig(bytes: nil)
            }
            throw ChatFileError.unavailable("getFile: \(error.description)")
        }
        if let size = file.fileSize, size > limit {
            throw ChatFileError.tooBig(bytes: size)
        }
        guard let filePath = file.filePath, !filePath.isEmpty else {
            throw ChatFileError.unavailable("getFile gave no file path")
        }
        do {
            return try await client.downloadFile(filePath, to: path, maxBytes: limit, timeout: timeout)
        } catch {
            try Task.checkCancellation()
            switch error {
            case .tooBig(let bytes):
                throw ChatFileError.tooBig(bytes: bytes)
            case .transfer, .localFile:
                throw ChatFileError.unavailable("download: \(error.description)")
            }
        }
    }
}
