import Foundation
import Store

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private typealias FileStatus = stat
private func readStatus(_ path: String, _ status: inout FileStatus) -> Int32 { stat(path, &status) }

/// Keeps `serve.log` from growing without bound. The service manager opens it (systemd's `append:`,
/// launchd's StandardOutPath) and hands it to the daemon as stdout and stderr, so nobody else can
/// rotate it: renaming the file alone would leave the daemon writing to the renamed one. The daemon
/// therefore rotates it itself, as `activity.log` rotates: past `maxBytes`, `serve.log` becomes
/// `serve.log.1` (older ones shift, `keptFiles` kept) and the daemon's stdout and stderr move to a new
/// `serve.log`, opened for appending with mode 0600. Nothing happens when the output goes elsewhere
/// (a terminal, a pipe, another file): only the file at `path` is ever rotated.
public struct ServeLogRotation: Sendable {
    public let path: String
    public let maxBytes: UInt64
    public let keptFiles: Int
    /// The descriptors that may be writing to `path`: stdout and stderr in the daemon.
    let descriptors: [Int32]

    public init(stateDirectory: String, maxBytes: UInt64 = 5 << 20, keptFiles: Int = 3) {
        self.init(
            path: (stateDirectory as NSString).appendingPathComponent("serve.log"), maxBytes: maxBytes, keptFiles: keptFiles,
            descriptors: [STDOUT_FILENO, STDERR_FILENO])
    }

    /// A rotation of `path` for `descriptors` (tests pass a descriptor of their own).
    public init(path: String, maxBytes: UInt64, keptFiles: Int, descriptors: [Int32]) {
        self.path = path
        self.maxBytes = maxBytes
        self.keptFiles = keptFiles
        self.descriptors = descriptors
    }

    /// Rotates when one of the descriptors writes to `path` and the file is past `maxBytes`; true when
    /// it did.
    @discardableResult
    public func rotateIfNeeded() -> Bool {
        var named = FileStatus()
        guard readStatus(path, &named) == 0, (named.st_mode & S_IFMT) == S_IFREG, UInt64(named.st_size) > maxBytes else {
            return false
        }
        let writers = descriptors.filter { descriptor in
            var status = FileStatus()
            return fstat(descriptor, &status) == 0 && status.st_dev == named.st_dev && status.st_ino == named.st_ino
        }
        guard !writers.isEmpty else { return false }
        LogFileRotation.shift(path, keptFiles: keptFiles)
        let fresh = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fresh >= 0 else { return false }
        defer { close(fresh) }
        // dup2 swaps each descriptor in one step: a line written meanwhile lands in one file or the other.
        for descriptor in writers { _ = dup2(fresh, descriptor) }
        return true
    }
}
