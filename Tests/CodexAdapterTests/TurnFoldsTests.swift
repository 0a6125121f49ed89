import CompanionCore
import Foundation
import Testing

@testable import CodexAdapter

/// The desk turns folded from the daemon's messages: a turn read back and also ended by notification is
/// told once; a turn that ended before the cut-off is not read back; reading an older turn back keeps a
/// newer one under way.
@Suite struct TurnFoldsTests {
    static func turn(_ id: String, status: String = "completed", completedAt: Int = 1_800_000_005, answer: String) -> JSONValue {
        [
            "id": .string(id), "status": .string(status), "startedAt": 1_800_000_000, "completedAt": .number(Double(completedAt)),
            "items": [["type": "agentMessage", "id": .string(id + "-answer"), "text": .string(answer)]],
        ]
    }

    func answer(_ event: DeskWatcher.Event?) -> String? {
        if case .turnEnded(let turn)? = event { return turn.record.finalMessage }
        return nil
    }

    @Test func aTurnReadBackAndAlsoEndedByNotificationIsToldOnce() {
        let folds = TurnFolds()
        let turn = Self.turn("turn-1", answer: "Answer.")
        #expect(answer(folds.readBack(turn, endedSince: .distantPast, thread: "t", repoPath: "/r")) == "Answer.")
        #expect(folds.fold(method: "turn/completed", params: ["threadId": "t", "turn": turn], thread: "t", repoPath: "/r") == nil)
        #expect(folds.readBack(turn, endedSince: .distantPast, thread: "t", repoPath: "/r") == nil)
    }

    @Test func aTurnThatEndedBeforeTheCutOffOrStillRunsIsNotReadBack() {
        let folds = TurnFolds()
        let cutOff = Date(timeIntervalSince1970: 1_800_000_100)
        #expect(folds.readBack(Self.turn("old", answer: "Old."), endedSince: cutOff, thread: "t", repoPath: "/r") == nil)
        #expect(
            folds.readBack(Self.turn("running", status: "inProgress", answer: "…"), endedSince: .distantPast, thread: "t", repoPath: "/r")
                == nil)
        #expect(
            answer(
                folds.readBack(
                    Self.turn("new", completedAt: 1_800_000_100, answer: "New."), endedSince: cutOff, thread: "t", repoPath: "/r"))
                == "New.")
    }

    @Test func readingAnOlderTurnBackKeepsANewerOneUnderWay() {
        let folds = TurnFolds()
        _ = folds.fold(method: "turn/started", params: ["threadId": "t", "turn": ["id": "turn-2"]], thread: "t", repoPath: "/r")
        #expect(
            answer(folds.readBack(Self.turn("turn-1", answer: "First."), endedSince: .distantPast, thread: "t", repoPath: "/r")) == "First."
        )
        _ = folds.fold(
            method: "item/completed", params: ["threadId": "t", "item": ["type": "agentMessage", "id": "a2", "text": "Second."]],
            thread: "t",
            repoPath: "/r")
        let second = folds.fold(
            method: "turn/completed", params: ["threadId": "t", "turn": ["id": "turn-2", "status": "completed"]], thread: "t",
            repoPath: "/r")
        #expect(answer(second) == "Second.")
    }
}
