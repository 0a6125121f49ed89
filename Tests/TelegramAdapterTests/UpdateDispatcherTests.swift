import CompanionCore
import Foundation
import PortFakes
import Synchronization
import TelegramAdapter
import Testing

/// The dispatcher with the real router and task service on fakes, its slow parts held: a download or a
/// transcription that does not end must not hold up the updates after it, from any chat, while a chat's
/// prompts still reach Codex in the order they were sent.
final class DispatchRig: Sendable {
    static let alpha = Project(name: "alpha", repoPath: "/code/alpha")
    static let user: Int64 = 42

    let clock = ManualClock()
    let runner = ScriptedCodexRunner()
    let tasks = InMemoryTaskStore()
    let updates = InMemoryUpdateStore()
    let messenger: FakeMessenger
    let disk = FakeAttachmentDisk()
    let downloader: GatedDownloader
    let transcriber = GatedTranscriber(hears: "and mention tabs")
    let service: TaskService
    let sink: AsyncStream<RecordedUpdate>.Continuation
    let dispatching: Task<Void, Never>
    let jobs: Task<Void, Never>
    let nextID = Mutex<Int64>(1)

    init() {
        messenger = FakeMessenger(clock: clock)
        downloader = GatedDownloader(disk: disk)
        let bridge = CodexBridge(runner: runner, sessions: FakeSessions(), store: tasks, clock: clock)
        let service = TaskService(
            settings: .init(maxParallel: 2, ownerPID: 1), bridge: bridge, store: tasks, reaper: FakeReaper(), clock: clock)
        self.service = service
        let router = CommandRouter(
            settings: .init(projects: [Self.alpha], allowedUserIDs: [Self.user]),
            service: service, chats: FakeChats(), messenger: messenger, inspector: FakeInspector(), audit: RecordingAudit(),
            joiner: SplitPromptJoiner(clock: clock), launcher: ImmediateLauncher(), clock: clock,
            intake: AttachmentIntake(downloader: downloader, files: disk, maxBytes: 1 << 20), files: disk,
            transcriber: transcriber)
        let (stream, sink) = AsyncStream<RecordedUpdate>.makeStream()
        self.sink = sink
        let dispatcher = UpdateDispatcher(
            updates: stream, store: updates,
            handle: { update in
                if let tap = update.incomingTap { await router.handle(tap) }
                if let message = update.incomingMessage { return await router.accept(message) }
                return nil
            })
        dispatching = Task { try? await dispatcher.run() }
        jobs = Task { await service.run() }
    }

    /// Records an update as the poller does and hands it to the dispatcher; returns its id.
    @discardableResult
    func deliver(_ update: [String: Any]) async throws -> Int64 {
        let id = nextID.withLock { id in
            defer { id += 1 }
            return id
        }
        var update = update
        update["update_id"] = Int(id)
        let recorded = RecordedUpdate(id: id, payload: try JSONSerialization.data(withJSONObject: update))
        _ = try await updates.recordUpdates([recorded], receivedAt: clock.now(), nextOffset: id + 1)
        sink.yield(recorded)
        return id
    }

    func message(_ fields: [String: Any]) -> [String: Any] {
        var message: [String: Any] = [
            "message_id": Int(nextID.withLock { $0 }), "date": Int(clock.now().timeIntervalSince1970),
            "chat": ["id": Int(Self.user), "type": "private"],
            "from": ["id": Int(Self.user), "is_bot": false, "first_name": "Owner"],
        ]
        message.merge(fields) { _, new in new }
        return ["message": message]
    }

    func text(_ text: String) -> [String: Any] { message(["text": text]) }

    func tap(_ data: String) -> [String: Any] {
        [
            "callback_query": [
                "id": "tap-\(nextID.withLock { $0 })", "from": ["id": Int(Self.user), "is_bot": false, "first_name": "Owner"],
                "message": ["message_id": 1, "date": 0, "chat": ["id": Int(Self.user), "type": "private"]],
                "chat_instance": "1", "data": data,
            ]
        ]
    }

    var replies: [String] { messenger.sent.filter { $0.kind == .send }.map(\.text) }

    func stop() async {
        sink.finish()
        await dispatching.value
        await service.shutdown()
        await jobs.value
    }
}

@Suite struct UpdateDispatcherTests {
    @Test func aCommandAndATapAreAnsweredWhileAPhotoDownloadsAndThePromptsAfterItKeepTheirOrder() async throws {
        let rig = DispatchRig()
        rig.disk.upload("p1", FileBytes.png)
        try await rig.deliver(rig.text("/project alpha"))
        await Eventually.until { rig.replies.count == 1 }
        let photo = try await rig.deliver(
            rig.message(["photo": [["file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1]], "caption": "what is this?"]))
        _ = await rig.downloader.started.wait()
        // The download does not end; the updates after it are handled all the same.
        let status = try await rig.deliver(rig.text("/status"))
        try await rig.deliver(rig.tap("not a button of ours"))
        let prompt = try await rig.deliver(rig.text("and compare it with the old one"))
        await Eventually.until { rig.replies.count == 2 && rig.messenger.taps.count == 1 }
        #expect(rig.replies.last?.hasPrefix("Project: alpha") == true, "\(rig.replies)")
        #expect(rig.messenger.taps.map(\.text) == [ApprovalText.unreadableTap])
        await Eventually.until { rig.updates.handledIDs.contains(status) }
        // Nothing reached Codex yet: the prompt sent after the photo waits for it.
        #expect(rig.runner.requests.isEmpty)
        #expect(rig.tasks.all.isEmpty)
        #expect(!rig.updates.handledIDs.contains(photo) && !rig.updates.handledIDs.contains(prompt))

        rig.downloader.open()
        await Eventually.until { rig.tasks.all.count == 2 }
        #expect(rig.tasks.all.map(\.prompt) == ["what is this?", "and compare it with the old one"])
        await Eventually.until { !rig.runner.requests.isEmpty }
        #expect(rig.runner.requests.first?.images.count == 1)
        await Eventually.until { rig.updates.handledIDs.contains(prompt) }
        #expect(rig.updates.handledIDs.contains(photo))
        rig.runner.open("what is this?")
        await rig.stop()
    }

    @Test func cancelStopsTheRunningTaskWhileAVoiceNoteIsTranscribed() async throws {
        let rig = DispatchRig()
        rig.disk.upload("v1", Array("OggS voice".utf8))
        rig.downloader.open()  // only the transcription is slow here
        try await rig.deliver(rig.text("/project alpha"))
        try await rig.deliver(rig.text("a long job"))
        await Eventually.until { rig.runner.running.contains("a long job") }
        try await rig.deliver(rig.message(["voice": ["file_id": "v1", "file_unique_id": "uv1", "duration": 2]]))
        _ = await rig.transcriber.started.wait()
        try await rig.deliver(rig.text("/cancel"))
        await Eventually.until { rig.tasks.all.first?.status == .cancelled }
        #expect(rig.tasks.all.first?.status == .cancelled)
        #expect(rig.replies.contains { $0.hasPrefix("Stopping the task in alpha") }, "\(rig.replies)")
        #expect(rig.runner.requests.count == 1)

        rig.transcriber.open()
        await Eventually.until { rig.runner.requests.count == 2 }
        #expect(rig.runner.requests.last?.prompt == "and mention tabs")
        rig.runner.open("and mention tabs")
        await rig.stop()
    }
}
