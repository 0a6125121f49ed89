import CompanionCore
import Foundation
import TelegramAdapter
import TestSupport
import Testing

/// Photos, documents and voice notes from the phone: how their messages read, and their download through
/// getFile and the Bot API's file server (the fake), with its limits.
@Suite struct TelegramFilesTests {
    static let user: Int64 = 7

    /// The updates waiting at the fake, decoded as the dispatcher decodes them.
    static func pendingMessages(_ fake: FakeTelegramServer) async throws -> [IncomingMessage?] {
        let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
        return try await client.getUpdates(GetUpdatesRequest(timeout: 0), timeout: .seconds(60)).map {
            try JSONDecoder().decode(TelegramUpdate.self, from: $0.payload).incomingMessage
        }
    }

    static func decode(_ message: String) throws -> IncomingMessage {
        let json =
            #"{"update_id":1,"message":{"message_id":5,"date":1700000000,"from":{"id":7,"is_bot":false,"first_name":"T"},"chat":{"id":7,"type":"private"},\#(message)}}"#
        return try #require(try JSONDecoder().decode(TelegramUpdate.self, from: Data(json.utf8)).incomingMessage)
    }

    /// A fresh directory for downloads, removed afterwards.
    static func withDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    static func mode(of path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue & 0o777
    }

    // MARK: - Reading messages

    @Test func aPhotoIsItsLargestSizeAndItsCaptionIsTheText() throws {
        // By file size when every size has one, whatever the order.
        let bySize = try Self.decode(
            #""caption":"fix this page","photo":[{"file_id":"s","file_unique_id":"u1","width":90,"height":90,"file_size":900},{"file_id":"l","file_unique_id":"u3","width":800,"height":600,"file_size":90000},{"file_id":"m","file_unique_id":"u2","width":1280,"height":960,"file_size":40000}]"#
        )
        #expect(bySize.text == "fix this page")
        #expect(bySize.attachments == [IncomingAttachment(kind: .photo, fileID: "l", size: 90000)])
        #expect(bySize.mediaGroupID == nil)
        #expect(!bySize.hasUnsupportedContent)
        // By pixels when a size has none.
        let byPixels = try Self.decode(
            #""photo":[{"file_id":"s","width":90,"height":90,"file_size":900},{"file_id":"l","width":1280,"height":960},{"file_id":"m","width":320,"height":240,"file_size":4000}]"#
        )
        #expect(byPixels.text == nil)
        #expect(byPixels.attachments.map(\.fileID) == ["l"])
        // A text message has no attachments.
        let text = try Self.decode(#""text":"hello""#)
        #expect(text.text == "hello" && text.attachments.isEmpty && !text.hasUnsupportedContent)
    }

    @Test func thePhotosOfAnAlbumShareItsIdAndEachIsItsLargestSize() async throws {
        try await withFakeTelegram { fake in
            fake.sendPhoto(from: Self.user, bytes: Data(repeating: 1, count: 4000), caption: "compare these", mediaGroupID: "album-1")
            fake.sendPhoto(from: Self.user, bytes: Data(repeating: 2, count: 3000), mediaGroupID: "album-1")
            let messages = try await Self.pendingMessages(fake).map { try #require($0) }
            let largest = fake.userFiles.filter { $0.bytes.count >= 3000 }
            #expect(fake.userFiles.count == 6)
            #expect(messages.map(\.mediaGroupID) == ["album-1", "album-1"])
            #expect(messages.map(\.text) == ["compare these", nil])
            #expect(
                messages.map(\.attachments) == [
                    [IncomingAttachment(kind: .photo, fileID: largest[0].fileID, size: 4000)],
                    [IncomingAttachment(kind: .photo, fileID: largest[1].fileID, size: 3000)],
                ])
            #expect(messages.allSatisfy { !$0.hasUnsupportedContent })
        }
    }

    @Test func aDocumentAMusicFileAndAVoiceNoteAreAttachments() async throws {
        try await withFakeTelegram { fake in
            fake.sendFileMessage(
                from: Self.user, fileName: "build.log", mimeType: "text/plain", bytes: Data("error: x\n".utf8), caption: "why?")
            fake.sendVoice(from: Self.user, bytes: Data("OggS-voice".utf8), duration: 4)
            let messages = try await Self.pendingMessages(fake).map { try #require($0) }
            let files = fake.userFiles
            #expect(messages.count == 2)
            #expect(messages[0].text == "why?")
            #expect(
                messages[0].attachments == [
                    IncomingAttachment(kind: .document, fileID: files[0].fileID, fileName: "build.log", mimeType: "text/plain", size: 9)
                ])
            #expect(messages[1].text == nil)
            #expect(
                messages[1].attachments == [
                    IncomingAttachment(kind: .voice, fileID: files[1].fileID, mimeType: "audio/ogg", size: 10, duration: 4)
                ])
        }
        let audio = try Self.decode(
            #""audio":{"file_id":"a1","file_unique_id":"u","duration":200,"title":"Song","file_name":"song.mp3","mime_type":"audio/mpeg","file_size":5000}"#
        )
        #expect(
            audio.attachments == [
                IncomingAttachment(kind: .document, fileID: "a1", fileName: "song.mp3", mimeType: "audio/mpeg", size: 5000)
            ])
    }

    @Test func aStickerAVideoOrAnUnreadablePhotoIsContentTheCompanionCannotUse() async throws {
        try await withFakeTelegram { fake in
            fake.sendSticker(from: Self.user)
            let message = try #require(try await Self.pendingMessages(fake).first ?? nil)
            #expect(message.hasUnsupportedContent)
            #expect(message.attachments.isEmpty)
            #expect(message.text == nil)
        }
        let video = try Self.decode(#""caption":"look","video":{"file_id":"v","file_unique_id":"u","width":1,"height":1,"duration":3}"#)
        #expect(video.hasUnsupportedContent && video.attachments.isEmpty && video.text == "look")
        // Telegram repeats an animation as a `document` for old clients: it is still an animation.
        let gif = try Self.decode(
            #""animation":{"file_id":"g","file_unique_id":"u","width":1,"height":1,"duration":1},"document":{"file_id":"g","file_unique_id":"u","file_name":"a.mp4"}"#
        )
        #expect(gif.hasUnsupportedContent && gif.attachments.isEmpty)
        for json in [
            #""location":{"latitude":1.0,"longitude":2.0}"#, #""dice":{"emoji":"🎲","value":3}"#,
            #""contact":{"phone_number":"1","first_name":"A"}"#,
        ] {
            #expect(try Self.decode(json).hasUnsupportedContent)
        }
        // A photo in a shape it cannot read costs neither the message nor its caption.
        let odd = try Self.decode(#""caption":"still here","photo":{"file_id":"not-an-array"}"#)
        #expect(odd.text == "still here" && odd.hasUnsupportedContent && odd.attachments.isEmpty)
    }

    // MARK: - Downloading

    @Test func aPhotoDownloadsItsLargestSizeIntoAPrivateFile() async throws {
        try await withFakeTelegram { fake in
            try await Self.withDirectory { directory in
                let bytes = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                fake.sendPhoto(from: Self.user, bytes: bytes, caption: "look")
                let message = try #require(try await Self.pendingMessages(fake).first ?? nil)
                let photo = try #require(message.attachments.first)
                let downloader = TelegramFileDownloader(client: BotAPIClient(baseURL: fake.baseURL, token: fake.token))
                let path = directory + "/photo.jpg"
                // A file already there is replaced, and made private.
                _ = FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
                let size = try await downloader.download(fileID: photo.fileID, to: path, maxBytes: 1 << 20)
                #expect(size == bytes.count)
                #expect(FileManager.default.contents(atPath: path) == bytes)
                #expect(try Self.mode(of: path) == 0o600)
                #expect(fake.fileDownloads == [photo.fileID])
                #expect(fake.calls.filter { $0 == "getFile" }.count == 1)
            }
        }
    }

    @Test func aFileAnnouncedTooBigIsRefusedBeforeAnyDownload() async throws {
        try await withFakeTelegram { fake in
            try await Self.withDirectory { directory in
                let downloader = TelegramFileDownloader(client: BotAPIClient(baseURL: fake.baseURL, token: fake.token))
                // Over the Bot API's 20 MB: Telegram refuses getFile.
                fake.sendFileMessage(from: Self.user, fileName: "dump.bin", bytes: Data(count: 100), announcedSize: 25 << 20)
                // Under 20 MB but over the caller's limit: refused by getFile's file_size.
                fake.sendFileMessage(from: Self.user, fileName: "big.log", bytes: Data(count: 100), announcedSize: 3 << 20)
                let files = fake.userFiles
                let path = directory + "/file"
                await #expect(throws: ChatFileError.tooBig(bytes: nil)) {
                    try await downloader.download(fileID: files[0].fileID, to: path, maxBytes: 50 << 20)
                }
                await #expect(throws: ChatFileError.tooBig(bytes: 3 << 20)) {
                    try await downloader.download(fileID: files[1].fileID, to: path, maxBytes: 1 << 20)
                }
                #expect(fake.fileDownloads.isEmpty)
                #expect(!FileManager.default.fileExists(atPath: path))
            }
        }
    }

    @Test func aFileThatGrowsPastTheLimitWhileArrivingLeavesNothingBehind() async throws {
        try await withFakeTelegram { fake in
            try await Self.withDirectory { directory in
                let downloader = TelegramFileDownloader(client: BotAPIClient(baseURL: fake.baseURL, token: fake.token))
                // Announced small, served large: only the bytes that arrive can tell.
                fake.sendFileMessage(from: Self.user, fileName: "huge.csv", bytes: Data(repeating: 65, count: 300_000), announcedSize: 10)
                let file = try #require(fake.userFiles.first)
                let path = directory + "/huge.csv"
                await #expect(throws: ChatFileError.tooBig(bytes: nil)) {
                    try await downloader.download(fileID: file.fileID, to: path, maxBytes: 100_000)
                }
                #expect(fake.fileDownloads == [file.fileID])
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
                // The same file within the limit arrives whole.
                #expect(try await downloader.download(fileID: file.fileID, to: path, maxBytes: 300_000) == 300_000)
                #expect(FileManager.default.contents(atPath: path) == file.bytes)
            }
        }
    }

    @Test func anUnknownFileIsUnavailableAndNoErrorNamesTheToken() async throws {
        try await withFakeTelegram { fake in
            try await Self.withDirectory { directory in
                let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
                let path = directory + "/file"
                func reason(_ downloader: TelegramFileDownloader, _ fileID: String) async -> String? {
                    do {
                        _ = try await downloader.download(fileID: fileID, to: path, maxBytes: 1 << 20)
                    } catch ChatFileError.unavailable(let reason) {
                        return reason
                    } catch {
                        Issue.record("expected .unavailable, got \(error)")
                    }
                    return nil
                }
                let unknown = try #require(await reason(TelegramFileDownloader(client: client), "no-such-file"))
                #expect(unknown.contains("invalid file_id"))
                // A wrong token fails at getFile, and its text does not quote the token.
                fake.sendVoice(from: Self.user, bytes: Data("OggS".utf8), duration: 1)
                let voice = try #require(fake.userFiles.first)
                let wrongToken = "42:WRONG_token-abcdefgh"
                let wrong = try #require(
                    await reason(TelegramFileDownloader(client: BotAPIClient(baseURL: fake.baseURL, token: wrongToken)), voice.fileID))
                #expect(wrong.contains("401"))
                #expect(!wrong.contains(wrongToken) && !wrong.contains(fake.token))
                // A path the file server does not know (an expired one) is a 404 without the token either.
                do throws(FileDownloadError) {
                    _ = try await client.downloadFile("documents/file_999.txt", to: path, maxBytes: 1 << 20)
                    Issue.record("expected a 404")
                } catch {
                    #expect(error.description.contains("404"))
                    #expect(!error.description.contains(fake.token))
                    guard case .transfer(let apiError) = error else {
                        Issue.record("expected a transfer error, got \(error)")
                        return
                    }
                    #expect(apiError.isBadToken)
                }
                // So is the file server's answer to a wrong token.
                do throws(FileDownloadError) {
                    _ = try await BotAPIClient(baseURL: fake.baseURL, token: wrongToken).downloadFile(
                        voice.filePath, to: path, maxBytes: 1 << 20)
                    Issue.record("expected a 401")
                } catch {
                    #expect(error == .transfer(.api(code: 401, description: "Unauthorized", retryAfter: nil)))
                    #expect(!error.description.contains(wrongToken))
                }
                #expect(fake.fileDownloads.isEmpty)
                #expect(!FileManager.default.fileExists(atPath: path))
            }
        }
    }
}
