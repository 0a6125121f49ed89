import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a file in the state directory (flock), held while the daemon runs. The kernel
/// releases it when the process ends, even on SIGKILL, so a crash never leaves a stale lock behind.
public final class InstanceLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32 = -1
    private let mutex = NSLock()

    public init(path: String) {
        self.path = path
    }

    public func acquire() throws {
        mutex.lock()
        defer { mutex.unlock() }
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else {
            throw UserFacingError("Cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            let pid = holder.map { " (pid \($0))" } ?? ""
            throw UserFacingError("Another codex-companion serve is already running with this state directory\(pid). Stop it first.")
        }
        _ = ftruncate(fd, 0)
        let text = "\(getpid())\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    public func release() {
        mutex.lock()
        defer { mutex.unlock() }
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
