import CompanionCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Attachments on the local disk, in `<state dir>/attachments/` (0700 folders, files made 0600 by the
/// downloader), and repository files for `/file`, read only after their real path is checked to lie
/// inside the repository.
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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory) else { throw .notFound }
        guard !isDirectory.boolValue else { throw .isDirectory }
        let size = ((try? FileManager.default.attributesOfItem(atPath: real))?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxBytes else { throw .tooBig(bytes: size) }
        guard let data = FileManager.default.contents(atPath: real) else { throw .unreadable }
        return RepositoryFile(relativePath: inside, contents: Array(data))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
