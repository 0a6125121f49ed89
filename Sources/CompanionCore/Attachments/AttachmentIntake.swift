import Foundation
import Logging

/// Takes in what a phone sent with a prompt: checks the sizes, downloads each file into a private
/// folder of the state directory (never into the repository), and sorts them by their bytes: images go
/// to Codex as images, other files as a path in the prompt, programs and media are refused.
public struct AttachmentIntake: Sendable {
    /// What the files add to a task, or why they cannot be used (a reply for the user).
    public enum Outcome: Sendable, Equatable {
        case ready(Prepared)
        case refused(String)
    }

    public struct Prepared: Sendable, Equatable {
        /// Images for Codex, in the order sent.
        public var images: [String]
        /// One line per other file, for the prompt: its name, size and where it is.
        public var notes: [String]
    }

    /// Telegram's Bot API hands out files of at most 20 MB.
    public static let botAPILimit = 20 * 1024 * 1024

    private let downloader: any ChatFileDownloading
    private let files: any AttachmentFiles
    private let maxBytes: Int
    private let logger: Logger

    public init(
        downloader: any ChatFileDownloading, files: any AttachmentFiles, maxBytes: Int,
        logger: Logger = Logger(label: "companion.attachments")
    ) {
        self.downloader = downloader
        self.files = files
        self.maxBytes = min(maxBytes, Self.botAPILimit)
        self.logger = logger
    }

    /// Downloads and sorts `attachments` (photos and documents). A refusal leaves nothing behind.
    public func take(_ attachments: [IncomingAttachment], label: String) async -> Outcome {
        if let tooBig = attachments.first(where: { ($0.size ?? 0) > maxBytes }) {
            return .refused(BotReplies.fileTooBig(name: displayName(tooBig), bytes: tooBig.size, limit: maxBytes))
        }
        let folder: String
        do {
            folder = try files.makeFolder(label: label)
        } catch {
            logger.error("could not make an attachment folder", metadata: ["error": "\(error)"])
            return .refused(BotReplies.fileNotSaved)
        }
        var prepared = Prepared(images: [], notes: [])
        for (index, attachment) in attachments.enumerated() {
            let path = folder + "/" + Self.fileName(attachment, index: index)
            let size: Int
            do {
                size = try await downloader.download(fileID: attachment.fileID, to: path, maxBytes: maxBytes)
            } catch let error as ChatFileError {
                files.remove(folder)
                if case .tooBig(let bytes) = error {
                    return .refused(BotReplies.fileTooBig(name: displayName(attachment), bytes: bytes, limit: maxBytes))
                }
                logger.error("downloading an attachment failed", metadata: ["error": "\(error)"])
                return .refused(BotReplies.fileNotDownloaded(displayName(attachment)))
            } catch {
                files.remove(folder)
                logger.error("downloading an attachment failed", metadata: ["error": "\(error)"])
                return .refused(BotReplies.fileNotDownloaded(displayName(attachment)))
            }
            switch FileKind(head: files.head(of: path, count: 16)) {
            case .image:
                prepared.images.append(path)
            case .executable:
                files.remove(folder)
                return .refused(BotReplies.fileRefused(displayName(attachment), because: "it is a program"))
            case .media:
                files.remove(folder)
                return .refused(
                    BotReplies.fileRefused(displayName(attachment), because: "Codex cannot use audio or video (a voice note works)"))
            case .other:
                guard attachment.kind == .document else {
                    files.remove(folder)
                    return .refused(BotReplies.fileRefused(displayName(attachment), because: "it is not an image"))
                }
                // The sender picks the name: quoted and on one line, it cannot pass for instructions.
                let name = attachment.fileName.map { AttachmentName.quoted($0) } ?? "a file"
                prepared.notes.append("- \(name) (\(Self.sizeText(size))), saved at \(path)")
            }
        }
        return .ready(prepared)
    }

    /// Downloads a voice note for transcription; the path, or the reply saying why not.
    public func takeVoice(_ attachment: IncomingAttachment, label: String) async -> Result<String, VoiceRefusal> {
        if (attachment.size ?? 0) > maxBytes {
            return .failure(VoiceRefusal(reply: BotReplies.fileTooBig(name: "The voice note", bytes: attachment.size, limit: maxBytes)))
        }
        do {
            let folder = try files.makeFolder(label: label)
            let path = folder + "/voice.ogg"
            _ = try await downloader.download(fileID: attachment.fileID, to: path, maxBytes: maxBytes)
            return .success(path)
        } catch {
            logger.error("downloading a voice note failed", metadata: ["error": "\(error)"])
            return .failure(VoiceRefusal(reply: BotReplies.fileNotDownloaded("the voice note")))
        }
    }

    public struct VoiceRefusal: Error, Equatable {
        public var reply: String
    }

    /// The name a file is saved under: its position, and the sender's name with only safe characters.
    static func fileName(_ attachment: IncomingAttachment, index: Int) -> String {
        let given = attachment.fileName ?? (attachment.kind == .photo ? "photo.jpg" : "file")
        return "\(index + 1)-\(AttachmentName.onDisk(given))"
    }

    private func displayName(_ attachment: IncomingAttachment) -> String {
        attachment.fileName.map { AttachmentName.quoted($0) } ?? (attachment.kind == .photo ? "The photo" : "The file")
    }

    static func sizeText(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1024 / 1024)
    }
}
