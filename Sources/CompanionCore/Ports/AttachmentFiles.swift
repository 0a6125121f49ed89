/// The files the companion keeps for chat attachments (in its state directory, never in a repository),
/// and the repository files `/file` sends back. The real one is the local file system; tests use a fake.
public protocol AttachmentFiles: Sendable {
    /// A new private folder (mode 0700) for one message's attachments, named after `label`.
    func makeFolder(label: String) throws -> String
    /// The first `count` bytes of the file at `path` (fewer when it is shorter).
    func head(of path: String, count: Int) -> [UInt8]
    /// Deletes a file or folder the companion made; failures are ignored.
    func remove(_ path: String)
    /// Deletes attachment folders not touched for `age` seconds; returns how many.
    @discardableResult
    func removeFolders(olderThan age: Double) -> Int
    /// The file `relativePath` names inside `repository`, read whole. The path must stay inside the
    /// repository after `..` and symlinks are resolved; absolute paths are refused.
    func readRepositoryFile(_ relativePath: String, in repository: String, maxBytes: Int) throws(RepositoryFileError) -> RepositoryFile
}

/// A repository file read for sending.
public struct RepositoryFile: Sendable, Equatable {
    /// The path inside the repository, as shown.
    public var relativePath: String
    public var contents: [UInt8]

    public init(relativePath: String, contents: [UInt8]) {
        self.relativePath = relativePath
        self.contents = contents
    }
}

/// Why `/file` cannot send a path.
public enum RepositoryFileError: Error, Equatable, Sendable {
    /// Absolute, or it leaves the repository (through `..` or a symlink).
    case outsideRepository
    case notFound
    case isDirectory
    /// Not a plain file of the repository: a pipe, a device, or a file with other hard links (one of them
    /// may be outside the repository).
    case notPlainFile
    case tooBig(bytes: Int)
    case unreadable
}
