import CompanionCore
import Foundation

/// A download that starts, says so, and then waits until the test opens its gate (as a slow file on a
/// slow link does), before the fake disk "writes" it.
public final class GatedDownloader: ChatFileDownloading {
    private let disk: FakeAttachmentDisk
    /// Fired when the first download has begun.
    public let started = OneShot<Void>()
    private let gate = OneShot<Void>()

    public init(disk: FakeAttachmentDisk) {
        self.disk = disk
    }

    /// Lets every download go on.
    public func open() {
        gate.fire()
    }

    public func download(fileID: String, to path: String, maxBytes: Int) async throws -> Int {
        started.fire()
        guard await gate.wait() != nil else { throw ChatFileError.unavailable("cancelled") }
        return try await disk.download(fileID: fileID, to: path, maxBytes: maxBytes)
    }
}

/// A transcription service that hears `text`, but only once the test opens its gate.
public final class GatedTranscriber: Transcribing {
    private let text: String
    /// Fired when the first transcription has begun.
    public let started = OneShot<Void>()
    private let gate = OneShot<Void>()

    public init(hears text: String) {
        self.text = text
    }

    public func open() {
        gate.fire()
    }

    public struct Cancelled: Error {}

    public func transcribe(fileAt path: String) async throws -> String {
        started.fire()
        guard await gate.wait() != nil else { throw Cancelled() }
        return text
    }
}
