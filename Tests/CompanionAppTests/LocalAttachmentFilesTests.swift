import CompanionCore
import Foundation
import Testing

@testable import CompanionApp

/// The real disk: attachment folders are private, and /file never reads outside the repository, however
/// the path is written (`..`, absolute, a symlink that leaves, the `.git` folder).
@Suite struct LocalAttachmentFilesTests {
    let root = NSHomeDirectory() + "/.codex-companion-tests/files-" + UUID().uuidString.prefix(8)

    func setUp() throws -> (LocalAttachmentFiles, String) {
        let repo = root + "/repo"
        try FileManager.default.createDirectory(atPath: repo + "/src", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repo + "/.git", withIntermediateDirectories: true)
        try "print(1)\n".write(toFile: repo + "/src/main.swift", atomically: true, encoding: .utf8)
        try "[core]\n".write(toFile: repo + "/.git/config", atomically: true, encoding: .utf8)
        try "secret\n".write(toFile: root + "/outside.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: repo + "/escape", withDestinationPath: root + "/outside.txt")
        try FileManager.default.createSymbolicLink(atPath: repo + "/inner", withDestinationPath: repo + "/src/main.swift")
        return (LocalAttachmentFiles(stateDirectory: root + "/state"), repo)
    }

    func error(_ files: LocalAttachmentFiles, _ path: String, in repo: String, max: Int = 1 << 20) -> RepositoryFileError? {
        do {
            _ = try files.readRepositoryFile(path, in: repo, maxBytes: max)
            return nil
        } catch {
            return error
        }
    }

    @Test func fileReadsInsideTheRepositoryOnly() throws {
        let (files, repo) = try setUp()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let read = try files.readRepositoryFile("src/../src/main.swift", in: repo, maxBytes: 1 << 20)
        #expect(read.relativePath == "src/main.swift")
        #expect(read.contents == Array("print(1)\n".utf8))
        #expect(try files.readRepositoryFile("inner", in: repo, maxBytes: 100).relativePath == "src/main.swift")
        #expect(error(files, "../outside.txt", in: repo) == .outsideRepository)
        #expect(error(files, root + "/outside.txt", in: repo) == .outsideRepository)
        #expect(error(files, "~/outside.txt", in: repo) == .outsideRepository)
        #expect(error(files, "escape", in: repo) == .outsideRepository)
        #expect(error(files, ".git/config", in: repo) == .outsideRepository)
        #expect(error(files, "../nothing-here", in: repo) == .outsideRepository)
        #expect(error(files, "src/nothing-here", in: repo) == .notFound)
        #expect(error(files, "src", in: repo) == .isDirectory)
        #expect(error(files, "src/main.swift", in: repo, max: 3) == .tooBig(bytes: 9))
    }

    @Test func attachmentFoldersArePrivateAndOldOnesGo() throws {
        let (files, _) = try setUp()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = try files.makeFolder(label: "42-1800000000-abc/../x")
        #expect(folder.hasPrefix(files.root + "/"))
        #expect(!folder.contains(".."))
        let mode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o700)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: folder + "/1-photo.jpg"))
        #expect(files.head(of: folder + "/1-photo.jpg", count: 2) == [0x89, 0x50])
        #expect(files.removeFolders(olderThan: 3600) == 0)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-8 * 86400)], ofItemAtPath: folder)
        #expect(files.removeFolders(olderThan: 7 * 86400) == 1)
        #expect(!FileManager.default.fileExists(atPath: folder))
        files.remove(root + "/outside.txt")
        #expect(FileManager.default.fileExists(atPath: root + "/outside.txt"), "remove never touches what the companion did not make")
    }

    /// A hard link inside the repository may be a file outside it (the path cannot tell); a pipe or a
    /// device is no file to send (and opening a pipe must not wait for a writer).
    @Test func hardLinksPipesAndDevicesAreNotSent() throws {
        let (files, repo) = try setUp()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.linkItem(atPath: root + "/outside.txt", toPath: repo + "/linked.txt")
        #expect(error(files, "linked.txt", in: repo) == .notPlainFile)
        #expect(mkfifo(repo + "/pipe", 0o600) == 0)
        #expect(error(files, "pipe", in: repo) == .notPlainFile)
        try FileManager.default.createSymbolicLink(atPath: repo + "/null", withDestinationPath: "/dev/null")
        #expect(error(files, "null", in: repo) == .outsideRepository)
    }

    /// The path is checked, then opened: whatever changed in between is caught on the open file. A
    /// symlink put in place of the file is not followed; a folder on the way replaced by a symlink leads
    /// outside, which the open file's own location shows.
    @Test func aPathSwappedAfterItsCheckIsRefused() throws {
        let (_, repo) = try setUp()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let real = try #require(LocalAttachmentFiles.realPath(repo))
        try FileManager.default.createDirectory(atPath: root + "/elsewhere", withIntermediateDirectories: true)
        try "elsewhere\n".write(toFile: root + "/elsewhere/main.swift", atomically: true, encoding: .utf8)
        // As checked: a plain file inside.
        #expect(try LocalAttachmentFiles.read(checked: real + "/src/main.swift", root: real, maxBytes: 100) == Array("print(1)\n".utf8))

        // Then the file becomes a symlink to a file outside.
        try FileManager.default.removeItem(atPath: repo + "/src/main.swift")
        try FileManager.default.createSymbolicLink(atPath: repo + "/src/main.swift", withDestinationPath: root + "/outside.txt")
        #expect(throws: RepositoryFileError.outsideRepository) {
            try LocalAttachmentFiles.read(checked: real + "/src/main.swift", root: real, maxBytes: 100)
        }

        // Then its folder becomes a symlink to a folder outside.
        try FileManager.default.removeItem(atPath: repo + "/src")
        try FileManager.default.createSymbolicLink(atPath: repo + "/src", withDestinationPath: root + "/elsewhere")
        #expect(throws: RepositoryFileError.outsideRepository) {
            try LocalAttachmentFiles.read(checked: real + "/src/main.swift", root: real, maxBytes: 100)
        }
    }
}
