import CompanionCore
import Foundation
import PortFakes
import Synchronization
import TelegramAdapter
import Testing

/// What the presenter tells the service, recorded.
final class FakeDelivery: TaskDelivering {
    let delivered = Mutex<[Int64]>([])
    let lineCounts = Mutex<[Int64: [String: LineCounts]]>([:])
    /// Each task's unfinished progress message, as last noted (absent: never noted or made final).
    let progressMessages = Mutex<[Int64: Int64]>([:])
    /// Every note, in order (nil: made final).
    let progressNotes = Mutex<[(taskID: Int64, messageID: Int64?)]>([])

    func markDelivered(_ taskID: Int64) async {
        delivered.withLock { $0.append(taskID) }
    }

    func recordLineCounts(_ counts: [String: LineCounts], of taskID: Int64) async {
        lineCounts.withLock { $0[taskID] = counts }
    }

    func noteProgressMessage(_ messageID: Int64?, of taskID: Int64) async {
        progressMessages.withLock { $0[taskID] = messageID }
        progressNotes.withLock { $0.append((taskID, messageID)) }
    }
}

/// The presenter fed a hand-made event stream, on a manual clock: the progress message, its paced edits,
/// the 429 pause, the result card, the frozen record and redelivery.
final class PresenterRig: Sendable {
    static let alpha = Project(name: "alpha", repoPath: "/code/alpha")
    static let chat: Int64 = 42
    /// Another chat, whose "not run" notices mark how far the presenter has read the stream.
    static let otherChat: Int64 = 99

    let clock = ManualClock()
    let messenger: FakeMessenger
    let delivery = FakeDelivery()
    let presenter: TelegramPresenter
    let sink: AsyncStream<TaskEvent>.Continuation
    let running: Task<Void, Never>
    let barriers = Mutex<Int64>(0)

    init(counts: [String: LineCounts] = [:]) {
        messenger = FakeMessenger(clock: clock)
        presenter = TelegramPresenter(
            settings: .init(progressInterval: .milliseconds(1500), typingInterval: .seconds(4)), messenger: messenger,
            delivery: delivery, inspector: FakeInspector(counts: counts), clock: clock)
        let (events, sink) = AsyncStream<TaskEvent>.makeStream()
        self.sink = sink
        let presenter = self.presenter
        running = Task { await presenter.run(events) }
    }

    var task: StartedTask {
        StartedTask(
            id: 1, request: TaskRequest(project: Self.alpha, prompt: "fix it", mode: .new, requester: .telegram(chatID: Self.chat)),
            session: .new, startedAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    func state(_ events: [CodexEvent]) -> ProgressState {
        var state = ProgressState(project: "alpha", session: .new, startedAt: task.startedAt)
        for event in events { state.apply(event, repoPath: Self.alpha.repoPath) }
        return state
    }

    func sent(_ kind: FakeMessenger.Sent.Kind, in chat: Int64 = PresenterRig.chat) -> [FakeMessenger.Sent] {
        messenger.sent.filter { $0.kind == kind && $0.chatID == chat }
    }

    /// Feeds `events`, then returns once the presenter has read them all.
    func feed(_ events: TaskEvent...) async {
        for event in events { sink.yield(event) }
        let count = barriers.withLock { count -> Int64 in
            count += 1
            return count
        }
        let other = TaskRequest(project: Self.alpha, prompt: "x", mode: .new, requester: .telegram(chatID: Self.otherChat))
        sink.yield(.notRun(QueuedTask(id: 1000 + count, request: other), reason: .storeFailed))
        await Eventually.until { self.sent(.send, in: Self.otherChat).count == count }
    }

    /// Starts task 1: its progress message is out, and its typing and editing loops wait on the clock.
    func start() async {
        await feed(.started(task))
        await Eventually.until { self.sent(.post).count == 1 }
        await clock.waitForSleepers(2)
    }

    /// Moves the clock by one progress interval and waits until both loops sleep again.
    func tick() async {
        clock.advance(by: .milliseconds(1500))
        await clock.waitForSleepers(2)
    }

    func end() async {
        sink.finish()
        await running.value
    }
}

@Suite struct TelegramPresenterTests {
    let command = CodexItem(id: "c1", kind: .commandExecution(CommandExecution(command: "swift build", exitCode: nil, status: .inProgress)))
    var built: CodexItem {
        CodexItem(id: "c1", kind: .commandExecution(CommandExecution(command: "swift build", exitCode: 0, status: .completed)))
    }
    let thinking = CodexItem(id: "r1", kind: .reasoning(text: "hmm"))

    @Test func theProgressMessageIsPostedAndEditedOnlyWhenItChangesAtTheInterval() async {
        let rig = PresenterRig()
        await rig.start()
        #expect(rig.sent(.post).map(\.text) == [rig.state([]).render(now: rig.task.startedAt).plain])
        #expect(rig.messenger.typingCount == 1)

        await rig.tick()  // nothing changed: no edit
        #expect(rig.messenger.editAttempts == 0)

        await rig.feed(.progressed(taskID: 1, .itemStarted(command)))
        await rig.tick()
        #expect(rig.sent(.edit).map(\.text) == [rig.state([.itemStarted(command)]).render(now: rig.clock.now()).plain])

        await rig.tick()  // still the same state: no second, identical edit
        #expect(rig.messenger.editAttempts == 1)

        // Two changes within one interval make one edit, with the newest state.
        let all: [CodexEvent] = [.itemStarted(command), .itemCompleted(built), .itemStarted(thinking)]
        await rig.feed(.progressed(taskID: 1, .itemCompleted(built)), .progressed(taskID: 1, .itemStarted(thinking)))
        await rig.tick()
        let edits = rig.sent(.edit)
        #expect(edits.map(\.text).last == rig.state(all).render(now: rig.clock.now()).plain)
        #expect(edits.count == 2)
        #expect(Set(edits.compactMap(\.messageID)) == Set(rig.sent(.post).compactMap(\.messageID)))
        for (earlier, later) in zip(edits, edits.dropFirst()) {
            #expect(earlier.text != later.text)
            #expect(later.at.timeIntervalSince(earlier.at) >= 1.5)
        }
        await rig.end()
    }

    @Test func afterA429NothingIsEditedUntilTheRetryAfterHasPassed() async {
        let rig = PresenterRig()
        await rig.start()
        rig.messenger.rateLimitNextEdit(retryAfter: .seconds(5))
        await rig.feed(.progressed(taskID: 1, .itemStarted(command)))
        await rig.tick()  // t = 1.5 s: answered 429, paused until 6.5 s
        #expect(rig.messenger.editAttempts == 1)
        #expect(rig.sent(.edit).isEmpty)

        await rig.feed(.progressed(taskID: 1, .itemCompleted(built)))
        await rig.tick()  // 3 s
        await rig.tick()  // 4.5 s
        await rig.tick()  // 6 s
        #expect(rig.messenger.editAttempts == 1)
        await rig.tick()  // 7.5 s: the pause is over, the newest state goes out
        #expect(rig.messenger.editAttempts == 2)
        #expect(
            rig.sent(.edit).map(\.text)
                == [rig.state([.itemStarted(command), .itemCompleted(built)]).render(now: rig.clock.now()).plain])
        await rig.end()
    }

    @Test func onFinishedTheCardIsPostedCountedAndTheProgressMessageFrozen() async throws {
        let file = "/code/alpha/Sources/Login.swift"
        let counts = [file: LineCounts(added: 4, removed: 1)]
        let rig = PresenterRig(counts: counts)
        await rig.start()
        let progressID = try #require(rig.sent(.post).first?.messageID)
        // Recorded while unfinished, so a restart after a crash can finish it.
        await Eventually.until { rig.delivery.progressMessages.withLock { $0[1] } == progressID }
        let change = CodexItem(id: "f1", kind: .fileChange(changes: [FileChange(path: file, kind: .update)], status: .completed))
        var turn = TurnRecord()
        for event: CodexEvent in [
            .itemCompleted(change), .itemCompleted(CodexItem(id: "m", kind: .agentMessage(text: "Fixed the login."))),
            .turnCompleted(usage: .zero),
        ] {
            turn.apply(event)
        }
        let task = rig.task
        let report = TaskReport(
            taskID: 1, requester: task.request.requester, project: PresenterRig.alpha, prompt: "fix it", mode: .new,
            session: .new, status: .done, startedAt: task.startedAt, endedAt: task.startedAt.addingTimeInterval(1),
            exitCode: 0, turn: turn, turnUsage: nil, failureReason: nil, stdoutTail: "", stderrTail: "")
        rig.clock.advance(by: .seconds(1))
        await rig.feed(.progressed(taskID: 1, .itemCompleted(change)), .finished(report))

        let card = ResultCard().render(report)
        let counted = ResultCard().render(report, lineCounts: counts)
        #expect(card != counted)
        await Eventually.until { rig.sent(.post).count == 1 + card.count }
        #expect(rig.sent(.post).dropFirst().map(\.text) == card.map(\.plain))
        await Eventually.until { !rig.delivery.lineCounts.withLock { $0.isEmpty } }
        #expect(rig.delivery.delivered.withLock { $0 } == [1])
        #expect(rig.delivery.lineCounts.withLock { $0 } == [1: counts])
        await Eventually.until { rig.sent(.edit).count == 1 }
        let cardIDs = rig.sent(.post).dropFirst().compactMap(\.messageID)
        let cardEdit = try #require(rig.sent(.edit).first)
        #expect(cardIDs.contains(try #require(cardEdit.messageID)))
        #expect(counted.map(\.plain).contains(cardEdit.text))

        // The frozen record waits for the chat's next edit slot.
        await rig.clock.waitForSleepers(1)
        #expect(rig.sent(.edit).count == 1)
        rig.clock.advance(by: .milliseconds(1500))
        await Eventually.until { rig.sent(.edit).count == 2 }
        let frozen = try #require(rig.sent(.edit).last)
        #expect(frozen.messageID == progressID)
        #expect(frozen.text == ProgressState.frozen(report, steps: 1).plain)
        await Eventually.until { rig.delivery.progressMessages.withLock { $0[1] == nil } }
        #expect(rig.delivery.progressNotes.withLock { $0.map(\.messageID) } == [progressID, nil])
        await rig.end()
    }

    /// Telegram counts edits as they arrive: an edit answered late (a slow network) still leaves the
    /// interval between its answer and the chat's next edit, here the frozen record.
    @Test func theNextEditWaitsAnIntervalFromTheAnswerToTheLastOne() async throws {
        let rig = PresenterRig()
        await rig.start()
        await rig.feed(.progressed(taskID: 1, .itemStarted(command)))
        rig.messenger.beforeNextEditAnswer { rig.clock.advance(by: .seconds(1)) }
        await rig.tick()
        let edit = try #require(rig.sent(.edit).first)
        let answered = edit.at.addingTimeInterval(1)
        #expect(rig.clock.now() == answered)
        let task = rig.task
        let report = TaskReport(
            taskID: 1, requester: task.request.requester, project: PresenterRig.alpha, prompt: "fix it", mode: .new,
            session: .new, status: .done, startedAt: task.startedAt, endedAt: answered, exitCode: 0, turn: TurnRecord(),
            turnUsage: nil, failureReason: nil, stdoutTail: "", stderrTail: "")
        await rig.feed(.finished(report))
        await Eventually.until { rig.clock.nextDeadline == answered.addingTimeInterval(1.5) }
        #expect(rig.clock.nextDeadline == answered.addingTimeInterval(1.5), "the frozen record waits from the answer")
        rig.clock.advance(by: .milliseconds(1500))
        await Eventually.until { rig.sent(.edit).count == 2 }
        #expect(rig.sent(.edit).last?.at == answered.addingTimeInterval(1.5))
        await rig.end()
    }

    /// After a crash, a task's progress message may still say "⏳ … writing the answer": the restart edits
    /// each one into its final line, and one that cannot be edited now stays recorded for the next start.
    @Test func progressMessagesLeftUnfinishedByACrashAreMadeFinal() async throws {
        let rig = PresenterRig()
        var interrupted = StoredTask(
            id: 4, project: "alpha", prompt: "fix it", mode: .continue, status: .interrupted, threadID: "t-1",
            startedAt: rig.clock.now().addingTimeInterval(-200), endedAt: rig.clock.now())
        interrupted.requester = .telegram(chatID: PresenterRig.chat)
        interrupted.progressMessageID = 31
        var delivered = interrupted
        delivered.id = 5
        delivered.status = .done
        delivered.endedAt = interrupted.startedAt.addingTimeInterval(65)
        delivered.progressMessageID = 32
        let both = [interrupted, delivered]
        let finishing = Task { await rig.presenter.finishProgressMessages(both) }
        // Both edits go through the chat's edit pacing: the second waits for its slot.
        await rig.clock.waitForSleepers(1)
        rig.clock.advance(by: .milliseconds(1500))
        await finishing.value
        let edits = rig.sent(.edit)
        #expect(edits.map(\.messageID) == [31, 32])
        #expect(edits.map(\.text) == [ProgressState.frozen(interrupted).plain, ProgressState.frozen(delivered).plain])
        #expect(edits[0].text.hasPrefix("⚠️ Interrupted · alpha · ") && edits[0].text.hasSuffix(": result below"))
        #expect(edits[1].text.hasPrefix("✅ Done · alpha · "))
        #expect(rig.delivery.progressNotes.withLock { $0.map(\.taskID) } == [4, 5])
        #expect(rig.delivery.progressMessages.withLock { $0.isEmpty })

        // Telegram refuses the edit for now: the message stays recorded.
        rig.messenger.rateLimitNextEdit(retryAfter: .seconds(30))
        interrupted.id = 6
        let again = [interrupted]
        let refused = Task { await rig.presenter.finishProgressMessages(again) }
        await rig.clock.waitForSleepers(1)
        rig.clock.advance(by: .milliseconds(1500))
        await refused.value
        #expect(rig.messenger.editAttempts == 3)
        #expect(rig.delivery.progressNotes.withLock { $0.count } == 2)
        await rig.end()
    }

    @Test func redeliveryPostsWithItsTitleAndMarksDeliveredOnlyWhenItArrived() async {
        let rig = PresenterRig()
        var stored = StoredTask(
            id: 8, project: "alpha", prompt: "fix it", mode: .new, status: .done, threadID: "t-1",
            startedAt: rig.clock.now().addingTimeInterval(-600), endedAt: rig.clock.now().addingTimeInterval(-500))
        stored.requester = .telegram(chatID: PresenterRig.chat)
        stored.finalMessage = "Fixed while you were away."
        var terminal = stored
        terminal.id = 9
        terminal.requester = .cli
        await rig.presenter.redeliver([stored, terminal], projects: [PresenterRig.alpha])
        let expected = LastTaskView().render(
            stored, project: PresenterRig.alpha, now: rig.clock.now(), title: LastTaskView.redeliveryTitle(stored))
        #expect(rig.sent(.post).map(\.text) == expected.map(\.plain))
        #expect(rig.sent(.post).first?.text.contains(LastTaskView.redeliveryTitle(stored)) == true)
        #expect(rig.messenger.sent.allSatisfy { $0.chatID == PresenterRig.chat })
        #expect(rig.delivery.delivered.withLock { $0 } == [8])

        rig.messenger.failPosts()
        stored.id = 10
        await rig.presenter.redeliver([stored], projects: [PresenterRig.alpha])
        #expect(rig.delivery.delivered.withLock { $0 } == [8])
        await rig.end()
    }
}
