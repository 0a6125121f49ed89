import CompanionCore
import Foundation
import Synchronization

/// Chat files in memory: the downloader "writes" the bytes registered for a file id into the fake disk,
/// where the attachment store reads them back.
public final class FakeAttachmentDisk: ChatFileDownloading, AttachmentFiles {
    private struct State {
        var uploads: [String: [UInt8]] = [:]
        var disk: [String: [UInt8]] = [:]
        var folders: Set<String> = []
        var repository: [String: [UInt8]] = [:]
        var downloads: [String] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// What the user sent under `fileID`.
    public func upload(_ fileID: String, _ bytes: [UInt8]) {
        state.withLock { $0.uploads[fileID] = bytes }
    }

    /// A file inside the fake repository, by its path inside it.
    public func putInRepository(_ path: String, _ bytes: [UInt8]) {
        state.withLock { $0.repository[path] = bytes }
    }

    public var files: [String: [UInt8]] { state.withLock { $0.disk } }
    public var folders: Set<String> { state.withLock { $0.folders } }
    public var downloads: [String] { state.withLock { $0.downloads } }

    public func download(fileID: String, to path: String, maxBytes: Int) async throws -> Int {
        try state.withLock { state in
            state.downloads.append(fileID)
            guard let bytes = state.uploads[fileID] else { throw ChatFileError.unavailable("no such file") }
            guard bytes.count <= maxBytes else { throw ChatFileError.tooBig(bytes: bytes.count) }
            state.disk[path] = bytes
            return bytes.count
        }
    }

    public func makeFolder(label: String) throws -> String {
        let folder = "/state/attachments/\(label)"
        state.withLock { _ = $0.folders.insert(folder) }
        return folder
    }

    public func head(of path: String, count: Int) -> [UInt8] {
        Array(state.withLock { $0.disk[path] ?? [] }.prefix(count))
    }

    public func remove(_ path: String) {
        state.withLock { state in
            state.folders.remove(path)
            state.disk = state.disk.filter { !$0.key.hasPrefix(path + "/") && $0.key != path }
        }
    }

    public func removeFolders(olderThan age: Double) -> Int { 0 }

    public func readRepositoryFile(
        _ relativePath: String, in repository: String, maxBytes: Int
    ) throws(RepositoryFileError)
        -> RepositoryFile
    {
        guard !relativePath.hasPrefix("/"), !relativePath.split(separator: "/").contains("..") else { throw .outsideRepository }
        guard let bytes = state.withLock({ $0.repository[relativePath] }) else { throw .notFound }
        return RepositoryFile(relativePath: relativePath, contents: bytes)
    }
}

/// A transcription service that hears what the test says it hears, or fails.
public final class FakeTranscriber: Transcribing {
    private let answer: Mutex<Result<String, TranscriberDown>>
    public let heardFiles = Mutex<[String]>([])

    public struct TranscriberDown: Error {}

    public init(hears text: String) {
        answer = Mutex(.success(text))
    }

    public func fail() {
        answer.withLock { $0 = .failure(TranscriberDown()) }
    }

    public func transcribe(fileAt path: String) async throws -> String {
        heardFiles.withLock { $0.append(path) }
        return try answer.withLock { $0 }.get()
    }
}

/// The first bytes of real file formats, for tests that send "photos" and "files".
public enum FileBytes {
    public static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 24)
    public static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 1, count: 28)
    public static let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46] + Array(repeating: 0, count: 28)
    public static let text: [UInt8] = Array("error: something broke at line 3\n".utf8)
}
