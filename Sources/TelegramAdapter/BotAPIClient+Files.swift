import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file download (`BotAPIClient.downloadFile`), with the token already removed from every text.
public enum FileDownloadError: Error, Equatable, CustomStringConvertible {
    /// Larger than the limit: by its Content-Length (`bytes`), or found while it arrived (`bytes` nil).
    case tooBig(bytes: Int?)
    /// The file server refused it (an `.api` error: 404 for an unknown or expired path, 401 for a wrong
    /// token) or could not be reached.
    case transfer(TelegramAPIError)
    /// The file could not be written here.
    case localFile(String)

    public var description: String {
        switch self {
        case .tooBig(let bytes):
            return "the file is larger than allowed" + (bytes.map { " (\($0) bytes)" } ?? "")
        case .transfer(let error):
            return error.description
        case .localFile(let detail):
            return "cannot save the file: \(detail)"
        }
    }
}

/// A download's file while it is written: created with mode 0600 (without following a symlink at its
/// path), and removed again unless it is finished.
final class DownloadingFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let path: String
    private var descriptor: Int32

    init(creating path: String) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(path): \(Self.lastError)") }
        self.path = path
        self.descriptor = descriptor
        // O_CREAT leaves the mode of a file that was already there: make it private too.
        guard fchmod(descriptor, 0o600) == 0 else {
            let failure = Failure(description: "cannot make \(path) private: \(Self.lastError)")
            discard()
            throw failure
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func append(_ buffer: ByteBuffer) throws(Failure) {
        let result: Failure? = buffer.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return nil }
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return Failure(description: "cannot write \(path): \(Self.lastError)")
                }
                offset += written
            }
            return nil
        }
        if let result { throw result }
    }

    /// Closes the complete file.
    func finish() throws(Failure) {
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else { throw Failure(description: "cannot write \(path): \(Self.lastError)") }
    }

    /// Closes and removes the file, complete or not.
    func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}
