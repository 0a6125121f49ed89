import CodexAdapter
import Foundation
import Testing

/// Where `codex` is looked for on PATH.
@Suite struct CodexBinaryLocatorTests {
    /// A relative PATH entry names a folder relative to wherever the companion runs (perhaps a repository
    /// Codex writes to): it is skipped, and the next absolute entry is used.
    @Test func relativePathEntriesAreSkipped() throws {
        let root = NSHomeDirectory() + "/.codex-companion-tests/locator-" + UUID().uuidString.prefix(8).lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["relative", "absolute"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
            FileManager.default.createFile(
                atPath: root + "/\(folder)/codex", contents: Data([0x7F, 0x45, 0x4C, 0x46]), attributes: [.posixPermissions: 0o755])
        }
        // The same folder, written relative to the current folder.
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let relative = String(repeating: "../", count: depth) + String(root.dropFirst()) + "/relative"
        #expect(FileManager.default.isExecutableFile(atPath: relative + "/codex"))

        let found = CodexBinaryLocator.locate(configured: nil, environment: ["PATH": relative + ":" + root + "/absolute", "HOME": root])
        #expect(found == root + "/absolute/codex")
        #expect(CodexBinaryLocator.locate(configured: nil, environment: ["PATH": relative + "::.", "HOME": root]) == nil)
    }
}
