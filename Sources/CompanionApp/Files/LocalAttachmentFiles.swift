import CompanionCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Attachments on the local disk, in `<state dir>/attachments/` (0700 folders, files made 0600 by the
/// downloader), and repository files for `/file`, read only after their real path is checked to lie
/// inside the repository, and through a descriptor that is checked again once open: a path swapped for a
/// symlink between the check and the read, or a hard link to a file elsewhere, is refused.
public struct LocalAttachmentFiles: AttachmentFiles {
    public let root: String

    public init(stateDirectory: String) {
        root = (stateDirectory as NSString).appendingPathComponent("attachments")
    }

    public func makeFolder(label: String) throws -> String {
        let safe = String(label.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.prefix(80))
        let folder = (root as NSString).appendingPathComponent(safe)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root)
        return folder
    }

    public func head(of path: String, count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return Array((try? handle.read(upToCount: count)) ?? Data())
    }

    public func remove(_ path: String) {
        guard path.hasPrefix(root + "/") else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    @discardableResult
    public func removeFolders(olderThan age: Double) -> Int {
        let limit = Date().addingTimeInterval(-age)
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            let path = (root as NSString).appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            guard let modified, modified < limit else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }

    public func readRepositoryFile(
        _ relativePath: String, in repository: String, maxBytes: Int
    ) throws(RepositoryFileError)
        -> RepositoryFile
    {
        guard !relativePath.hasPrefix("/"), !relativePath.hasPrefix("~") else { throw .outsideRepository }
        guard let root = Self.realPath(repository) else { throw .notFound }
        let joined = (root as NSString).appendingPathComponent(relativePath)
        // The real path, with every `..` and symlink resolved, must still be inside the repository.
        guard let real = Self.realPath(joined) else {
            // A path that does not exist: say so only if it would have been inside.
            let lexical = URL(fileURLWithPath: joined).standardizedFileURL.path
            throw lexical.hasPrefix(root + "/") ? .notFound : .outsideRepository
        }
        guard real.hasPrefix(root + "/") else { throw .outsideRepository }
        let inside = String(real.dropFirst(root.count + 1))
        guard !inside.split(separator: "/").contains(".git") else { throw .outsideRepository }
        return RepositoryFile(relativePath: inside, contents: try Self.read(checked: real, root: root, maxBytes: maxBytes))
    }

    /// Reads `real`, a path already checked to be inside `root`, and checks what was opened: the path may
    /// have changed since (a folder on the way replaced by a symlink). The last component is not followed
    /// (O_NOFOLLOW); the open file must be a regular file with one link, be the file the path names now,
    /// and lie inside `root` by the system's own account of where it is.
    static func read(checked real: String, root: String, maxBytes: Int) throws(RepositoryFileError) -> [UInt8] {
        // O_NONBLOCK: opening a pipe must not wait for a writer; it is refused just below.
        let descriptor = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            switch errno {
            case ELOOP: throw .outsideRepository
            case ENOENT: throw .notFound
            default: throw .unreadable
            }
        }
        defer { close(descriptor) }
        var opened = stat()
        guard fstat(descriptor, &opened) == 0 else { throw .unreadable }
        switch opened.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .isDirectory
        default: throw .notPlainFile
        }
        guard opened.st_nlink == 1 else { throw .notPlainFile }
        var named = stat()
        guard stat(real, &named) == 0, named.st_dev == opened.st_dev, named.st_ino == opened.st_ino,
            let location = openedPath(descriptor), location.hasPrefix(root + "/")
        else { throw .outsideRepository }
        let size = Int(opened.st_size)
        guard size <= maxBytes else { throw .tooBig(bytes: size) }
        var bytes = [UInt8](repeating: 0, count: size)
        var count = 0
        while count < size {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + count, size - count, off_t(count)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            count += got
        }
        guard count == size else { throw .unreadable }
        return bytes
    }

    /// Where the system says an open file is.
    static func openedPath(_ descriptor: Int32) -> String? {
        #if os(Linux)
        return realPath("/proc/self/fd/\(descriptor)")
        #elseif canImport(Darwin)
        var buffer = [CChar](repeating: 0, count: Int(MAXPATHLEN))
        guard fcntl(descriptor, F_GETPATH, &buffer) != -1 else { return nil }
        return realPath(String(cString: buffer))
        #else
        return nil
        #endif
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
