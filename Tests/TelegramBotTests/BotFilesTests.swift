import CompanionCore
import Foundation
import TestSupport
import Testing

/// Photos, files and voice notes from the phone, end to end: the fake Bot API serves the files, the REAL
/// codex sends them to the fake model, and the tests look at what the model received.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct BotFilesTests {
    /// A real 1×1 PNG.
    static let png = Data(
        base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!
    typealias Owner = BotHarness

    /// On both engines.
    @Test(arguments: CodexEngine.allCases) func aScreenshotWithACaptionReachesTheModelAsAnImage(engine: CodexEngine) async throws {
        try await withBotHarness(engine: engine) { harness in
            let daemon = try harness.startDaemon()
            let fake = harness.workspace.fake
            fake.script("why is it red", [.message("Because of the CSS.")])
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendPhoto(from: Owner.owner, bytes: Self.png, caption: "why is it red?")
            let card = try await harness.telegram.waitForMessage(to: Owner.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("Because of the CSS."))
            let request = try #require(fake.requests.last)
            #expect(request.userPrompts.last == "why is it red?")
            #expect(request.images.count == 1)
            #expect(request.images.first?.hasPrefix("data:image/") == true)
            // Kept in the state directory, never in the repository.
            #expect(try FileManager.default.contentsOfDirectory(atPath: harness.alpha).sorted() == [".git", "README.md"])
            let attachments = harness.workspace.stateDirectory + "/attachments"
            #expect(try FileManager.default.contentsOfDirectory(atPath: attachments).count == 1)
            await daemon.stop()
        }
    }

    @Test func anAlbumOfThreeIsOnePromptWithThreeImages() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            let fake = harness.workspace.fake
            fake.script("compare", [.message("The second one is best.")])
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendPhoto(from: Owner.owner, bytes: Self.png, caption: "compare these", mediaGroupID: "album")
            harness.telegram.sendPhoto(from: Owner.owner, bytes: Self.png, mediaGroupID: "album")
            harness.telegram.sendPhoto(from: Owner.owner, bytes: Self.png, mediaGroupID: "album")
            _ = try await harness.telegram.waitForMessage(to: Owner.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(fake.requests.count == 1)
            #expect(fake.requests.last?.userPrompts == ["compare these"])
            #expect(fake.requests.last?.images.count == 3)
            #expect(harness.telegram.messages(to: Owner.owner).filter { $0.text.hasPrefix("⏳ alpha") }.count == 1)
            await daemon.stop()
        }
    }

    @Test func aDocumentsPathNameAndSizeAreInThePromptAndOversizedOrUselessFilesAreRefused() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            let fake = harness.workspace.fake
            fake.script("what failed", [.message("Line 3 failed.")])
            _ = try await harness.ownerSays("/project alpha")
            let log = Data("step 1 ok\nstep 2 ok\nerror: step 3 failed\n".utf8)
            harness.telegram.sendFileMessage(
                from: Owner.owner, fileName: "ci.log", mimeType: "text/plain", bytes: log, caption: "what failed?")
            _ = try await harness.telegram.waitForMessage(to: Owner.owner, "with the result") { $0.hasPrefix("✅ Done") }
            let prompt = try #require(fake.requests.last?.userPrompts.last)
            #expect(prompt.hasPrefix("what failed?\n\nFiles sent from the phone"))
            #expect(prompt.contains("- \"ci.log\" (\(log.count) bytes), saved at \(harness.workspace.stateDirectory)/attachments/"))
            let saved = try #require(prompt.firstMatch(of: /saved at (\S+)/)?.1)
            #expect(FileManager.default.contents(atPath: String(saved)) == log)
            #expect(fake.requests.last?.images.isEmpty == true)

            let big = try await harness.ownerSaysWithFile {
                $0.sendPhoto(from: Owner.owner, bytes: Self.png, caption: "huge", announcedSize: 25 << 20)
            }
            #expect(big.text.hasPrefix("The photo (25.0 MB) is too big: the limit is 20.0 MB."), "\(big.text)")
            let program = try await harness.ownerSaysWithFile {
                $0.sendFileMessage(from: Owner.owner, fileName: "run.bin", bytes: Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]))
            }
            #expect(program.text == "Not run: \"run.bin\" cannot go to Codex, it is a program.")
            #expect(fake.requests.count == 1)
            await daemon.stop()
        }
    }

    @Test func voiceNotesAreTranscribedWhenConfiguredAndExplainedWhenNot() async throws {
        let transcription = try await FakeTranscriptionServer.start()
        let section: [String: Any] = [
            "transcription": ["base_url": transcription.baseURL, "api_key_env": "COMPANION_TEST_STT_KEY"]
        ]
        do {
            try await withBotHarness(config: section) { harness in
                let daemon = try harness.startDaemon(environment: ["COMPANION_TEST_STT_KEY": transcription.key])
                harness.workspace.fake.script("rename the function", [.message("Renamed.")])
                transcription.hear("Rename the function to parse.")
                _ = try await harness.ownerSays("/project alpha")
                harness.telegram.sendVoice(from: Owner.owner, bytes: Data("OggS voice bytes".utf8), duration: 4)
                let heard = try await harness.telegram.waitForMessage(to: Owner.owner, "with what was heard") { $0.hasPrefix("🎙") }
                #expect(heard.text == "🎙 heard: Rename the function to parse.")
                _ = try await harness.telegram.waitForMessage(to: Owner.owner, "with the result") { $0.hasPrefix("✅ Done") }
                #expect(harness.workspace.fake.requests.last?.userPrompts.last == "Rename the function to parse.")
                #expect(transcription.received.first?.model == "whisper-1")
                #expect(transcription.received.first?.audio == Data("OggS voice bytes".utf8))
                await daemon.stop()
            }
            try await withBotHarness { harness in
                let daemon = try harness.startDaemon()
                _ = try await harness.ownerSays("/project alpha")
                let reply = try await harness.ownerSaysWithFile { $0.sendVoice(from: Owner.owner, bytes: Data("OggS".utf8), duration: 2) }
                #expect(reply.text.hasPrefix("Voice notes need a transcription service"))
                #expect(harness.workspace.fake.requests.isEmpty)
                await daemon.stop()
            }
        } catch {
            await transcription.stop()
            throw error
        }
        await transcription.stop()
    }

    @Test func theChangedFilesAreOfferedAsDocumentsUnderTheResult() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            harness.workspace.fake.script(
                "write the plan",
                [.patch("*** Begin Patch\n*** Add File: plan.md\n+# Plan\n+ship it\n*** End Patch"), .message("Wrote plan.md.")])
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: Owner.owner, text: "write the plan")
            let offer = try await harness.telegram.waitForMessage(to: Owner.owner, "offering the files") { $0.hasPrefix("📎") }
            #expect(offer.text == "📎 Changed: plan.md. Tap to get it as files.")
            let button = try #require(offer.buttons.first?.first)
            #expect(button.text == "📎 Send the file")
            let stranger = harness.telegram.sendCallbackQuery(
                from: Owner.stranger, messageID: offer.messageID, chatID: Owner.stranger, data: button.data)
            #expect(try await harness.tapAnswer(stranger) == "Not allowed.")
            let tap = harness.telegram.sendCallbackQuery(
                from: Owner.owner, messageID: offer.messageID, chatID: Owner.owner, data: button.data)
            #expect(try await harness.tapAnswer(tap) == "Sending the file")
            try await harness.telegram.waitUntil("the document") { !$0.documents.isEmpty }
            #expect(harness.telegram.documents.map(\.fileName) == ["plan.md"])
            #expect(harness.telegram.documents.first?.contents == Data("# Plan\nship it\n".utf8))
            await daemon.stop()
        }
    }

    @Test func fileSendsAFileOfTheProjectAndNothingOutsideIt() async throws {
        try await withBotHarness { harness in
            let daemon = try harness.startDaemon()
            _ = try await harness.ownerSays("/project alpha")
            try "let x = 1\n".write(toFile: harness.alpha + "/main.swift", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: harness.alpha + "/escape", withDestinationPath: harness.beta + "/README.md")
            harness.telegram.sendMessage(from: Owner.owner, text: "/file main.swift")
            try await harness.telegram.waitUntil("the document") { !$0.documents.isEmpty }
            #expect(harness.telegram.documents.first?.fileName == "main.swift")
            #expect(harness.telegram.documents.first?.contents == Data("let x = 1\n".utf8))
            for path in ["../beta/README.md", harness.beta + "/README.md", "escape"] {
                let reply = try await harness.ownerSays("/file \(path)")
                #expect(reply[0].text == "Not sent: \(path) is outside alpha. /file takes a path inside the project.")
            }
            #expect(harness.telegram.documents.count == 1)
            await daemon.stop()
        }
    }
}

extension BotHarness {
    /// Sends something with `send` and returns the next reply in the owner's chat.
    func ownerSaysWithFile(_ send: (FakeTelegramServer) -> Int64) async throws -> FakeTelegramServer.SentMessage {
        let before = telegram.messages(to: Self.owner).count
        _ = send(telegram)
        return try await telegram.waitForMessages(to: Self.owner, count: before + 1)[before]
    }
}
