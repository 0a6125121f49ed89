import CompanionCore
import Foundation
import Testing

@testable import CodexAdapter

/// /diff and the result card's line counts, on a real git repository whose file names git would quote:
/// non-ASCII, a double quote, glob characters.
@Suite struct GitRepositoryInspectorTests {
    let repo = NSHomeDirectory() + "/.codex-companion-tests/git-" + UUID().uuidString.prefix(8).lowercased()

    func git(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: repo + "/" + name, atomically: true, encoding: .utf8)
    }

    @Test func filesWithSpecialNamesKeepTheirContentAndCounts() async throws {
        defer { try? FileManager.default.removeItem(atPath: repo) }
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        try git("init", "-q")
        try write("tracked ü.txt", "one\ntwo\n")
        try git("add", ".")
        try git("commit", "-qm", "init")
        try write("tracked ü.txt", "one\nTWO\n")
        try write("é файл.txt", "hello\nworld\n")
        try write("say \"hi\".txt", "quoted\n")
        try write("[a].txt", "glob\n")

        let changes = try await GitRepositoryInspector().uncommittedChanges(repoPath: repo)
        #expect(changes.fileCount == 4)
        for line in ["+TWO", "+hello", "+world", "+quoted", "+glob"] {
            #expect(changes.patch.contains(line + "\n"), "\(line) missing from the patch")
        }
        #expect(changes.diffstat.contains("é файл.txt (new) | 2 +"))
        #expect(changes.diffstat.contains("say \"hi\".txt (new) | 1 +"))

        let counts = await GitRepositoryInspector().lineCounts(
            repoPath: repo, paths: [repo + "/tracked ü.txt", repo + "/é файл.txt", repo + "/[a].txt"])
        #expect(counts[repo + "/tracked ü.txt"] == LineCounts(added: 1, removed: 1))
        #expect(counts[repo + "/é файл.txt"] == LineCounts(added: 2, removed: 0))
        #expect(counts[repo + "/[a].txt"] == LineCounts(added: 1, removed: 0))
    }

    @Test func numstatReadsRenamesAndSkipsBinaryFiles() {
        let output = "1\t2\tplain é.txt\u{0}-\t-\timage.png\u{0}3\t0\t\u{0}old name.txt\u{0}new name.txt\u{0}"
        let entries = GitRepositoryInspector.numstat(output).map { "\($0.path) +\($0.added) -\($0.removed)" }
        #expect(entries == ["plain é.txt +1 -2", "new name.txt +3 -0"])
    }
}
