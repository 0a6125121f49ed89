import CompanionCore
import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Reads a repository's uncommitted state with git: line counts for result cards, patches for /diff.
/// File names are read NUL-separated (`-z`): git otherwise C-quotes a name with non-ASCII or special
/// characters (`"\303\251.txt"`), and the quoted form names no file.
public struct GitRepositoryInspector: RepositoryInspecting {
    public init() {}

    public func lineCounts(repoPath: String, paths: [String]) async -> [String: LineCounts] {
        guard !paths.isEmpty else { return [:] }
        let root = repoPath.hasSuffix("/") ? repoPath : repoPath + "/"
        let relative = paths.map { $0.hasPrefix(root) ? String($0.dropFirst(root.count)) : $0 }
        var counts: [String: LineCounts] = [:]
        if let output = try? await git(["diff", "--numstat", "-z", "HEAD", "--"] + relative, in: repoPath) {
            for (path, added, removed) in Self.numstat(output) {
                counts[root + path] = LineCounts(added: added, removed: removed)
            }
        }
        // New files git does not track yet: every line is added.
        for path in paths where counts[path] == nil {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let lines =
                data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
                - (data.last == UInt8(ascii: "\n") ? 1 : 0)
            counts[path] = LineCounts(added: max(lines, data.isEmpty ? 0 : 1), removed: 0)
        }
        return counts
    }

    public func uncommittedChanges(repoPath: String) async throws -> RepositoryChanges {
        var patch = try await git(["diff", "HEAD"], in: repoPath)
        var stat = try await git(["diff", "HEAD", "--stat"], in: repoPath)
        var files = try await git(["diff", "HEAD", "--name-only", "-z"], in: repoPath).split(separator: "\0").count
        let untracked = try await git(["ls-files", "-z", "--others", "--exclude-standard"], in: repoPath)
            .split(separator: "\0").map(String.init)
        for file in untracked {
            // `git diff --no-index` exits 1 when the files differ, which is the point here.
            let added = try await git(["diff", "--no-index", "--", "/dev/null", file], in: repoPath, acceptExitCodes: [0, 1])
            patch += added
            let lines = added.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }.count
            stat += " \(file) (new) | \(lines) +\n"
            files += 1
        }
        return RepositoryChanges(patch: patch, diffstat: stat.trimmingCharacters(in: .newlines), fileCount: files)
    }

    /// `git diff --numstat -z`: `added TAB removed TAB path NUL`, or for a rename `added TAB removed TAB NUL
    /// old NUL new NUL`; binary files (`-`) have no counts and are left out.
    static func numstat(_ output: String) -> [(path: String, added: Int, removed: Int)] {
        var entries: [(path: String, added: Int, removed: Int)] = []
        var fields = output.split(separator: "\0", omittingEmptySubsequences: false).makeIterator()
        while let field = fields.next() {
            let parts = field.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            var path = String(parts[2])
            if path.isEmpty {
                _ = fields.next()
                path = fields.next().map(String.init) ?? ""
            }
            guard !path.isEmpty, let added = Int(parts[0]), let removed = Int(parts[1]) else { continue }
            entries.append((path, added, removed))
        }
        return entries
    }

    /// Runs git with pathspecs taken literally (a file named `[a].txt` is not a pattern) and names shown
    /// as they are in the patch's headers and the diffstat, not as octal escapes.
    private func git(_ arguments: [String], in directory: String, acceptExitCodes: Set<Int32> = [0]) async throws -> String {
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(["--literal-pathspecs", "-c", "core.quotePath=false"] + arguments),
            workingDirectory: FilePath(directory),
            output: .string(limit: 64 << 20), error: .string(limit: 1 << 20))
        guard case .exited(let code) = result.terminationStatus, acceptExitCodes.contains(code) else {
            throw GitError(message: result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.standardOutput
    }
}

public struct GitError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "git: \(message)" }
}
