import CompanionCore
import Foundation
import Logging
import PortFakes
import Synchronization
import Testing

/// A stranger cannot fill the disk: however many messages and taps arrive, each sender costs one log
/// line and one audit row for its first in an hour, and one summary line and row for the rest.
@Suite struct StrangerMessagesTests {
    /// The warnings the router logs.
    final class Lines: Sendable {
        let all = Mutex<[String]>([])
    }

    struct RecordingLogHandler: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var text = event.message.description
            if let count = event.metadata?["count"] { text += " count=\(count)" }
            lines.all.withLock { $0.append(text) }
        }
    }

    func stranger(_ rig: RouterRig, _ user: Int64, _ text: String) async {
        await rig.router.handle(rig.message(text, user: user))
    }

    @Test func aThousandMessagesFromStrangersCostABoundedNumberOfLinesAndRows() async {
        let lines = Lines()
        let rig = RouterRig(logger: Logger(label: "test.router") { _ in RecordingLogHandler(lines: lines) })
        for number in 0..<1000 {
            await stranger(rig, number.isMultiple(of: 2) ? 9 : 10, "let me in \(number)")
            rig.clock.advance(by: .seconds(1))
        }
        for number in 0..<100 {
            await rig.router.handle(
                IncomingTap(id: "q\(number)", userID: 9, chatID: 9, messageID: 1, isPrivate: true, data: "anything"))
        }
        #expect(rig.entries.map(\.command) == ["unauthorised", "unauthorised"])
        #expect(rig.entries.map(\.userID) == [9, 10])
        #expect(lines.all.withLock { $0 }.count == 2)
        #expect(rig.messenger.sent.filter { $0.kind == .send }.map(\.text) == [BotReplies.privateBot, BotReplies.privateBot])

        // The hour ends; the next message (here the stranger's own) writes one summary for each sender.
        rig.clock.advance(by: .seconds(3600))
        #expect(rig.entries.count == 2, "no timer writes anything by itself")
        await stranger(rig, 9, "again")
        #expect(rig.entries.count == 5)
        let summaries = rig.entries[2..<4]
        #expect(summaries.map(\.command) == ["unauthorised-repeats", "unauthorised-repeats"])
        #expect(summaries.map(\.userID) == [9, 10])
        #expect(summaries.first?.detail?.hasPrefix("599 more from this sender") == true)
        #expect(summaries.last?.detail?.hasPrefix("499 more from this sender") == true)
        #expect(summaries.allSatisfy { $0.outcome == .unauthorised })
        // A new hour: the stranger's message is recorded again; the owner is never summarised.
        #expect(rig.entries.last?.command == "unauthorised")
        #expect(await rig.say("/help").count == 1)
        #expect(rig.entries.last?.command == "help")
        let refusals = lines.all.withLock { $0 }.filter { $0.hasPrefix("refused") }
        #expect(
            refusals == [
                "refused a message from an unauthorised sender", "refused a message from an unauthorised sender",
                "refused more messages from an unauthorised sender count=599",
                "refused more messages from an unauthorised sender count=499",
                "refused a message from an unauthorised sender",
            ])
        await rig.stop()
    }

    @Test func pastAThousandSendersTheOldestWindowClosesEarly() async {
        let rig = RouterRig()
        await stranger(rig, 10_001, "first")
        await stranger(rig, 10_001, "repeat")
        rig.clock.advance(by: .seconds(1))
        for user in Int64(10_002)...Int64(11_000) { await stranger(rig, user, "hello") }
        #expect(rig.entries.count == 1000)
        // The 1001st sender closes the oldest window, whose repeat is summarised at once.
        await stranger(rig, 11_001, "hello")
        #expect(rig.entries.suffix(2).map(\.command) == ["unauthorised-repeats", "unauthorised"])
        #expect(rig.entries.suffix(2).first?.userID == 10_001)
        await rig.stop()
    }
}
