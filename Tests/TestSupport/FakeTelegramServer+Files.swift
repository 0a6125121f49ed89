import Foundation
import Hummingbird
import NIOCore

/// Files users send: photos (several sizes), documents, voice notes and stickers, kept by file_id for
/// getFile and served at `GET /file/bot<token>/<file_path>` as Telegram serves them.
extension FakeTelegramServer {
    /// A file a user sent, as the fake keeps it.
    public struct UserFile: Sendable, Equatable {
        public var fileID: String
        public var fileUniqueID: String
        /// Where getFile says it is, under `/file/bot<token>/`.
        public var filePath: String
        public var bytes: Data
        /// The size the message and getFile announce: the real size unless a test chose another.
        public var announcedSize: Int
    }

    /// The largest file the Bot API lets a bot download: getFile refuses larger ones.
    public static let downloadLimit = 20 << 20

    /// Every file users sent, in order (a photo is several: its sizes, from small to large).
    public var userFiles: [UserFile] { state.withLock { $0.userFiles } }
    /// The file_id of every download served (or begun), in order.
    public var fileDownloads: [String] { state.withLock { $0.fileDownloads } }

    /// A user sends a photo, with a caption and as part of an album when given. Like Telegram, the message
    /// lists three sizes from small to large; the largest holds `bytes` (the smaller ones hold a quarter
    /// and a half of them). `announcedSize` is the largest size's `file_size` when it should not be the
    /// real one (to test the 20 MB limit without 20 MB of data). Returns the update id.
    @discardableResult
    public func sendPhoto(
        from userID: Int64, bytes: Data, caption: String? = nil, mediaGroupID: String? = nil, announcedSize: Int? = nil,
        chatID: Int64? = nil, chatType: String = "private", date: Date = Date()
    ) -> Int64 {
        injectMessage(from: userID, chatID: chatID, chatType: chatType, date: date) { state in
            let sizes = [
                (state.addFile(folder: "photos", suffix: ".jpg", bytes: bytes.prefix(bytes.count / 4)), 90, 67),
                (state.addFile(folder: "photos", suffix: ".jpg", bytes: bytes.prefix(bytes.count / 2)), 320, 240),
                (state.addFile(folder: "photos", suffix: ".jpg", bytes: bytes, announcedSize: announcedSize), 1280, 960),
            ]
            var content: [String: Any] = [
                "photo": sizes.map { file, width, height in
                    [
                        "file_id": file.fileID, "file_unique_id": file.fileUniqueID, "width": width, "height": height,
                        "file_size": file.announcedSize,
                    ] as [String: Any]
                }
            ]
            content["caption"] = caption
            content["media_group_id"] = mediaGroupID
            return content
        }
    }

    /// A user sends a file as a document. Returns the update id.
    @discardableResult
    public func sendFileMessage(
        from userID: Int64, fileName: String, mimeType: String? = nil, bytes: Data, caption: String? = nil,
        mediaGroupID: String? = nil, announcedSize: Int? = nil, chatID: Int64? = nil, chatType: String = "private",
        date: Date = Date()
    ) -> Int64 {
        injectMessage(from: userID, chatID: chatID, chatType: chatType, date: date) { state in
            let suffix = (fileName as NSString).pathExtension
            let file = state.addFile(
                folder: "documents", suffix: suffix.isEmpty ? "" : ".\(suffix)", bytes: bytes, announcedSize: announcedSize)
            var document: [String: Any] = [
                "file_id": file.fileID, "file_unique_id": file.fileUniqueID, "file_name": fileName, "file_size": file.announcedSize,
            ]
            document["mime_type"] = mimeType
            var content: [String: Any] = ["document": document]
            content["caption"] = caption
            content["media_group_id"] = mediaGroupID
            return content
        }
    }

    /// A user sends a voice note (Ogg/Opus, as Telegram's apps record it). Returns the update id.
    @discardableResult
    public func sendVoice(
        from userID: Int64, bytes: Data, duration: Int, announcedSize: Int? = nil, chatID: Int64? = nil,
        chatType: String = "private", date: Date = Date()
    ) -> Int64 {
        injectMessage(from: userID, chatID: chatID, chatType: chatType, date: date) { state in
            let file = state.addFile(folder: "voice", suffix: ".oga", bytes: bytes, announcedSize: announcedSize)
            return [
                "voice": [
                    "file_id": file.fileID, "file_unique_id": file.fileUniqueID, "duration": duration, "mime_type": "audio/ogg",
                    "file_size": file.announcedSize,
                ] as [String: Any]
            ]
        }
    }

    /// A user sends a sticker: content the companion cannot use. Returns the update id.
    @discardableResult
    public func sendSticker(
        from userID: Int64, chatID: Int64? = nil, chatType: String = "private", date: Date = Date()
    ) -> Int64 {
        injectMessage(from: userID, chatID: chatID, chatType: chatType, date: date) { state in
            let file = state.addFile(folder: "stickers", suffix: ".webp", bytes: Data("RIFF....WEBP".utf8))
            return [
                "sticker": [
                    "file_id": file.fileID, "file_unique_id": file.fileUniqueID, "type": "regular", "width": 512, "height": 512,
                    "is_animated": false, "is_video": false, "emoji": "👍", "file_size": file.announcedSize,
                ] as [String: Any]
            ]
        }
    }

    /// Injects a `message` (or, `edited`, an `edited_message`) update from `userID` with `content` (made
    /// while the state is locked) added. Every message a test sends goes through here.
    func injectMessage(
        from userID: Int64, chatID: Int64?, chatType: String, date: Date, edited: Bool = false,
        _ content: (inout State) -> [String: Any]
    ) -> Int64 {
        mutate { state in
            let id = state.nextUpdateID
            state.nextUpdateID += 1
            var message: [String: Any] = [
                "message_id": Int(id), "date": Int(date.timeIntervalSince1970),
                "from": ["id": Int(userID), "is_bot": false, "first_name": "Test"],
                "chat": ["id": Int(chatID ?? userID), "type": chatType],
            ]
            message.merge(content(&state)) { _, new in new }
            let update: [String: Any] = ["update_id": Int(id), edited ? "edited_message" : "message": message]
            state.updates.append((id, (try? JSONSerialization.data(withJSONObject: update)) ?? Data()))
            return id
        }
    }

    /// getFile: the file's id, size and path, as Telegram answers; a file over 20 MB has no path, only
    /// Telegram's refusal.
    func getFile(_ parameters: [String: Any]) -> Response {
        let fileID = parameters["file_id"] as? String ?? ""
        guard let file = state.withLock({ $0.userFiles.first { $0.fileID == fileID } }) else {
            return Self.error(400, "Bad Request: invalid file_id")
        }
        guard file.announcedSize <= Self.downloadLimit else {
            return Self.error(400, "Bad Request: file is too big")
        }
        return Self.ok([
            "file_id": file.fileID, "file_unique_id": file.fileUniqueID, "file_size": file.announcedSize,
            "file_path": file.filePath,
        ])
    }

    /// `GET /file/bot<token>/<file_path>`: the bytes, streamed in chunks without a Content-Length (so a
    /// client must hold its limit as they arrive); 401 for a wrong token, 404 for an unknown path.
    func serveFile(bot: String, path: String) -> Response {
        guard bot == "bot\(token)" else { return Self.error(401, "Unauthorized") }
        let file = mutate { state -> UserFile? in
            guard let file = state.userFiles.first(where: { $0.filePath == path }) else { return nil }
            state.fileDownloads.append(file.fileID)
            return file
        }
        guard let file else { return Self.error(404, "Not Found") }
        let bytes = [UInt8](file.bytes)
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream"],
            body: ResponseBody(contentLength: nil) { writer in
                for start in stride(from: 0, to: bytes.count, by: 16 << 10) {
                    try await writer.write(ByteBuffer(bytes: bytes[start..<min(start + (16 << 10), bytes.count)]))
                }
                try await writer.finish(nil)
            })
    }
}

extension FakeTelegramServer.State {
    /// Keeps a file a user sends under a new id and path.
    mutating func addFile(folder: String, suffix: String, bytes: Data, announcedSize: Int? = nil) -> FakeTelegramServer.UserFile {
        let number = nextFileNumber
        nextFileNumber += 1
        let file = FakeTelegramServer.UserFile(
            fileID: "AgAC-file-\(number)", fileUniqueID: "AQAD\(number)", filePath: "\(folder)/file_\(number)\(suffix)",
            bytes: Data(bytes), announcedSize: announcedSize ?? bytes.count)
        userFiles.append(file)
        return file
    }
}
