import CompanionCore
import Foundation
import Logging
import PortFakes
import Testing

/// The router against the real task service on fakes: what each message answers, what it submits, and
/// the one audit entry it leaves.
final class RouterRig: Sendable {
    static let alpha = Project(name: "alpha", repoPath: "/code/alpha")
    static let beta = Project(name: "beta", repoPath: "/code/beta")
    static let user: Int64 = 42

    let clock = ManualClock()
    let runner = ScriptedCodexRunner()
    let store = InMemoryTaskStore()
    let messenger: FakeMessenger
    let chats = FakeChats()
    let audit = RecordingAudit()
    let launcher = ImmediateLauncher()
    let service: TaskService
    let router: CommandRouter
    let jobs: Task<Void, Never>
    let disk = FakeAttachmentDisk()
    let sessions = FakeSessions()

    init(transcriber: FakeTranscriber? = nil, maxFileBytes: Int = 20 << 20, logger: Logger = Logger(label: "companion.router")) {
        messenger = FakeMessenger(clock: clock)
        let bridge = CodexBridge(runner: runner, sessions: sessions, store: store, clock: clock)
        let service = TaskService(
            settings: .init(maxParallel: 2, ownerPID: 1), bridge: bridge, store: store, reaper: FakeReaper(), clock: clock)
        self.service = service
        router = CommandRouter(
            settings: .init(projects: [Self.alpha, Self.beta], allowedUserIDs: [Self.user], staleAfter: 3600),
            service: service, chats: chats, messenger: messenger, inspector: FakeInspector(), audit: audit,
            joiner: SplitPromptJoiner(minimumLength: 3000, wait: .milliseconds(1200), clock: clock),
            launcher: launcher, clock: clock,
            intake: AttachmentIntake(downloader: disk, files: disk, maxBytes: maxFileBytes), files: disk,
            transcriber: transcriber, logger: logger)
        jobs = Task { await service.run() }
    }

    func message(_ text: String, user: Int64 = RouterRig.user, isPrivate: Bool = true, age: TimeInterval = 0) -> IncomingMessage {
        IncomingMessage(
            chatID: user, userID: user, isPrivate: isPrivate, text: text, sentAt: clock.now().addingTimeInterval(-age))
    }

    /// Handles `text` from the allowed user and returns the replies it caused.
    @discardableResult
    func say(_ text: String, age: TimeInterval = 0) async -> [String] {
        let before = messenger.sent.count
        await router.handle(message(text, age: age))
        return messenger.sent.dropFirst(before).filter { $0.kind == .send }.map(\.text)
    }

    var entries: [AuditEntry] { audit.entries.withLock { $0 } }
    var outcomes: [CommandOutcome] { entries.map(\.outcome) }

    func stop() async {
        await service.shutdown()
        await jobs.value
    }
}

@Suite struct CommandRouterTests {
    typealias R = RouterRig

    @Test func strangersAreRefusedOnceAndAuditedAsUnauthorised() async {
        let rig = RouterRig()
        await rig.router.handle(rig.message("hello", user: 9))
        await rig.router.handle(rig.message("/project alpha", user: 9))
        #expect(rig.messenger.sent.map(\.text) == [BotReplies.privateBot])
        // The second within the hour is counted for a summary, not audited on its own.
        #expect(rig.outcomes == [.unauthorised])
        #expect(rig.entries.map(\.userID) == [9])
        #expect(rig.chats.projects.withLock { $0.isEmpty })
        await rig.stop()
    }

    @Test func groupChatsAreIgnored() async {
        let rig = RouterRig()
        await rig.router.handle(rig.message("/status", isPrivate: false))
        #expect(rig.messenger.sent.isEmpty)
        #expect(rig.outcomes == [.unauthorised])
        await rig.stop()
    }

    @Test func projectListsSelectsAndRefusesUnknownNames() async {
        let rig = RouterRig()
        #expect(await rig.say("/project") == [BotReplies.projectList([R.alpha, R.beta], active: nil)])
        #expect(await rig.say("/project Beta") == [BotReplies.projectSelected(R.beta)])
        #expect(rig.chats.projects.withLock { $0[R.user] } == "beta")
        #expect(await rig.say("/project nope") == [BotReplies.unknownProject("nope", projects: [R.alpha, R.beta])])
        #expect(await rig.say("/project") == [BotReplies.projectList([R.alpha, R.beta], active: R.beta)])
        #expect(rig.outcomes == [.ok, .ok, .refused, .ok])
        #expect(rig.entries.map(\.command) == ["project", "project", "project", "project"])
        await rig.stop()
    }

    @Test func promptsNeedAProjectAPromptAndAFreshMessage() async {
        let rig = RouterRig()
        #expect(await rig.say("fix the bug") == [BotReplies.pickProjectFirst([R.alpha, R.beta])])
        await rig.say("/project alpha")
        #expect(await rig.say("/new   ") == [BotReplies.emptyPrompt(command: "/new")])
        #expect(await rig.say("fix the bug", age: 3601) == [BotReplies.stale(age: 3601)])
        #expect(await rig.say("/frobnicate") == [BotReplies.unknownCommand("/frobnicate")])
        #expect(rig.outcomes == [.refused, .ok, .refused, .stale, .refused])
        #expect(rig.entries.map(\.project) == [nil, nil, "alpha", "alpha", "alpha"])
        #expect(rig.runner.requests.isEmpty)
        #expect(rig.store.all.isEmpty)
        await rig.stop()
    }

    @Test func aSecondPromptIsQueuedWithANoticeAndCancelVariantsAnswer() async {
        let rig = RouterRig()
        await rig.say("/project alpha")
        #expect(await rig.say("first").isEmpty)  // started: the presenter shows it, the router says nothing
        let first = QueuedTask(
            id: 1, request: TaskRequest(project: R.alpha, prompt: "first", mode: .continue, requester: .telegram(chatID: R.user)))
        #expect(await rig.say("second") == [BotReplies.queued(position: 1, behind: .sameProject(first))])
        await Eventually.until { rig.runner.running.contains("first") }

        let status = await rig.say("/status")
        #expect(status.count == 1)
        #expect(status.first?.contains("Running in alpha for 0s: \"first\"") == true)
        #expect(status.first?.contains("Queued #1 in alpha: \"second\"") == true)

        #expect(await rig.say("/cancel maybe") == [BotReplies.badCancelScope])
        // Queued first: once the running task ends, the queued one would start.
        #expect(await rig.say("/cancel queued") == ["Dropped 1 queued task."])
        #expect(await rig.say("/cancel") == ["Stopping the task in alpha: \"first\"…"])
        await Eventually.until { await rig.service.snapshot().running.isEmpty }
        #expect(rig.store.task(1)?.status == .cancelled)
        #expect(rig.store.task(1)?.stopReason == .user)
        #expect(rig.store.task(2)?.stopReason == .user)
        #expect(await rig.say("/cancel all") == ["Nothing is running.\nNo queued tasks."])
        #expect(await rig.say("/status") == ["Project: alpha\nIdle: no Codex task is running."])
        #expect(rig.outcomes == [.ok, .started, .queued, .ok, .refused, .ok, .ok, .ok, .ok])
        #expect(rig.runner.requests.map(\.prompt) == ["first"])
        await rig.stop()
    }

    @Test func statusWithoutAProjectSaysIdle() async {
        let rig = RouterRig()
        #expect(await rig.say("/status") == ["Project: none (pick one with /project <name>)\nIdle: no Codex task is running."])
        #expect(rig.outcomes == [.ok])
        await rig.stop()
    }

    @Test func statusSaysWhichWayCodexRunsNow() async {
        let rig = RouterRig()
        rig.runner.setWay("through Codex's daemon (Codex 0.163.0), in the same live session as the terminal")
        #expect(
            await rig.say("/status") == [
                "Project: none (pick one with /project <name>)\n"
                    + "Codex: through Codex's daemon (Codex 0.163.0), in the same live session as the terminal\n"
                    + "Idle: no Codex task is running."
            ])
        await rig.stop()
    }

    @Test func aSplitLongPromptIsJoinedAndSubmittedOnceTheChatIsQuiet() async {
        let rig = RouterRig()
        await rig.say("/project alpha")
        let head = String(repeating: "a", count: 3001)
        #expect(await rig.say(head).isEmpty)
        await rig.clock.waitForSleepers(1)  // the joiner waits for the next part
        rig.clock.advance(by: .seconds(1))
        #expect(await rig.say("the tail").isEmpty)
        rig.clock.advance(by: .milliseconds(500))  // the first wait ends; the tail started a new one
        await rig.clock.waitForSleepers(1)
        #expect(rig.runner.requests.isEmpty)
        #expect(rig.store.all.isEmpty)
        rig.clock.advance(by: .milliseconds(700))
        await rig.launcher.waitForAll()
        await Eventually.until { !rig.runner.requests.isEmpty }
        #expect(rig.runner.requests.map(\.prompt) == [head + "\nthe tail"])
        // One entry per message, and one for the joined prompt's run.
        #expect(rig.entries.map(\.command) == ["project", "text", "text-part", "text"])
        #expect(rig.outcomes == [.ok, .waitingForParts, .joined, .started])
        await rig.stop()
    }

    @Test func aCommandAfterAPartFlushesThePromptFirst() async {
        let rig = RouterRig()
        await rig.say("/project alpha")
        let head = String(repeating: "b", count: 3200)
        await rig.say(head)
        let status = await rig.say("/status")
        #expect(rig.store.all.map(\.prompt) == [head])
        #expect(status.first?.contains("Running in alpha") == true)
        #expect(rig.entries.map(\.command) == ["project", "text", "text", "status"])
        #expect(rig.outcomes == [.ok, .waitingForParts, .started, .ok])
        // The joiner's own wait (if it had begun before the command took the prompt) finds nothing left to run.
        rig.clock.advance(by: .seconds(2))
        await rig.launcher.waitForAll()
        #expect(rig.store.all.count == 1)
        #expect(rig.entries.count == 4)
        await rig.stop()
    }
}
