import Foundation

/// Finds the git repositories `init` offers as projects, so a new user picks them from a list instead
/// of typing paths. The walk is bounded (a few levels, a cap on folders visited) because people point it
/// at their home folder, and it skips what is never a project of its own: hidden folders, dependency
/// and build folders, symbolic links (which can loop), and the inside of a repository already found.
public struct RepositoryFinder: Sendable {
    /// How many levels below the starting folder are searched (the folder itself is level 0).
    public var maximumDepth: Int
    /// A stop for huge trees: the walk ends after this many folders, with what it found so far.
    public var maximumFolders: Int

    /// Folders that hold other people's code or build output, never a repository to work on.
    static let skippedNames: Set<String> = ["node_modules", ".build", "Pods", "DerivedData"]

    public init(maximumDepth: Int = 3, maximumFolders: Int = 20_000) {
        self.maximumDepth = maximumDepth
        self.maximumFolders = maximumFolders
    }

    /// True when `path` is the top of a git repository: it holds `.git` (a folder, or a file as in
    /// worktrees and submodules).
    public static func isRepositoryRoot(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(".git"))
    }

    /// The repositories at or below `root`, as absolute paths with symbolic links resolved, sorted by
    /// path. Breadth first, so a cap that cuts the walk short keeps the shallow ones.
    public func repositories(under root: String) -> [String] {
        let start = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        var found: [String] = []
        var queue: [(path: String, depth: Int)] = [(start, 0)]
        var visited = 0
        while !queue.isEmpty, visited < maximumFolders {
            let (path, depth) = queue.removeFirst()
            visited += 1
            if Self.isRepositoryRoot(path) {
                found.append(path)
                continue
            }
            guard depth < maximumDepth else { continue }
            queue += subfolders(of: path).map { ($0, depth + 1) }
        }
        return found.sorted()
    }

    /// The folders directly inside `path` worth searching, sorted by name; unreadable folders have none.
    private func subfolders(of path: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.sorted().compactMap { name in
            guard !name.hasPrefix("."), !Self.skippedNames.contains(name) else { return nil }
            let child = (path as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: child),
                attributes[.type] as? FileAttributeType == .typeDirectory
            else { return nil }
            return child
        }
    }
}
