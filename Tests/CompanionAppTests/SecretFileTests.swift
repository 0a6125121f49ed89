import AsyncHTTPClient
import CompanionApp
import CompanionCore
import Foundation
import TestSupport
import Testing

/// The files holding secrets, and the state directory, are the user's alone.
@Suite struct SecretFileTests {
    let root = NSHomeDirectory() + "/.codex-companion-tests/secrets-" + UUID().uuidString.prefix(8).lowercased()

    /// The transcription key file is checked like the bot token's: one other users can read is not used.
    @Test func aTranscriptionKeyFileOthersCanReadIsNotUsed() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let service = try await FakeTranscriptionServer.start()
        let keyFile = root + "/stt-key"
        FileManager.default.createFile(atPath: keyFile, contents: Data((service.key + "\n").utf8), attributes: [.posixPermissions: 0o644])
        FileManager.default.createFile(atPath: root + "/voice.ogg", contents: Data("OggS".utf8))
        let transcriber = OpenAITranscriber(
            settings: .init(baseURL: service.baseURL, apiKeyEnv: nil, apiKeyFile: keyFile), environment: [:], http: HTTPClient.shared)
        await #expect {
            _ = try await transcriber.transcribe(fileAt: root + "/voice.ogg")
        } throws: { error in
            "\(error)" == "the transcription key file \(keyFile) is readable by other users: run `chmod 600 \(keyFile)`."
        }
        #expect(service.received.isEmpty)

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        #expect(try await transcriber.transcribe(fileAt: root + "/voice.ogg") == "hello")
        #expect(service.received.count == 1)
        await service.stop()
    }

    /// `doctor` names the key file too, with the state directory and the token file.
    @Test func doctorNamesEverySecretFileOthersCanRead() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try StatePermissions.createDirectory(root + "/state")
        FileManager.default.createFile(atPath: root + "/token", contents: Data("1:x".utf8), attributes: [.posixPermissions: 0o600])
        FileManager.default.createFile(atPath: root + "/stt-key", contents: Data("k".utf8), attributes: [.posixPermissions: 0o640])
        let problems = StatePermissions.problems(stateDirectory: root + "/state", secretFiles: [root + "/token", root + "/stt-key"])
        #expect(problems.map(\.path) == [root + "/stt-key"])
        #expect(problems.map(\.mode) == [0o640])
    }

    /// A state directory that already exists with a looser mode (made by hand, or by an older version) is
    /// tightened to 0700 when the companion opens it.
    @Test func anExistingStateDirectoryIsTightened() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let state = root + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try StatePermissions.createDirectory(state)
        let mode = try FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o700)
    }
}
