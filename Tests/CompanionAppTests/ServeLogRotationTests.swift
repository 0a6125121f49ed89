import CompanionApp
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// serve.log rotates like activity.log once it is past its size, and the process that writes to it
/// goes on writing to the new file, as the daemon's stdout and stderr do after a rotation.
@Suite struct ServeLogRotationTests {
    let directory = NSHomeDirectory() + "/.codex-companion-tests/serve-log-" + UUID().uuidString.prefix(8)

    func append(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        #expect(written == bytes.count)
    }

    func contents(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func pastItsSizeTheLogRotatesAndTheWriterMovesToTheNewFile() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/serve.log"
        // As systemd's `append:` opens it for the daemon.
        let writer = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        #expect(writer >= 0)
        defer { close(writer) }
        let rotation = ServeLogRotation(path: path, maxBytes: 100, keptFiles: 2, descriptors: [writer])

        append(String(repeating: "a", count: 99) + "\n", to: writer)
        #expect(!rotation.rotateIfNeeded(), "at the limit, not past it")
        append("first past the limit\n", to: writer)
        #expect(rotation.rotateIfNeeded())
        append("after the first rotation\n", to: writer)
        #expect(contents(path) == "after the first rotation\n")
        #expect(contents(path + ".1")?.hasSuffix("first past the limit\n") == true)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        for round in 2...4 {
            append(String(repeating: "\(round)", count: 120) + "\n", to: writer)
            #expect(rotation.rotateIfNeeded())
        }
        #expect(contents(path) == "")
        #expect(contents(path + ".1")?.hasPrefix("444") == true)
        #expect(contents(path + ".2")?.hasPrefix("333") == true)
        #expect(!FileManager.default.fileExists(atPath: path + ".3"), "only keptFiles old files stay")
    }

    @Test func aLogThatThisProcessDoesNotWriteIsLeftAlone() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/serve.log"
        try String(repeating: "x", count: 500).write(toFile: path, atomically: true, encoding: .utf8)
        let other = open(directory + "/elsewhere.log", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        defer { close(other) }
        #expect(!ServeLogRotation(path: path, maxBytes: 100, keptFiles: 2, descriptors: [other]).rotateIfNeeded())
        #expect(!FileManager.default.fileExists(atPath: path + ".1"))
        #expect(!ServeLogRotation(path: directory + "/missing.log", maxBytes: 100, keptFiles: 2, descriptors: [other]).rotateIfNeeded())
    }
}
