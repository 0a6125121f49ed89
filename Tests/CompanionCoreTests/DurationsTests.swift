import CompanionCore
import Foundation
import Testing

/// Limits read as a person would say them: a limit under a minute in seconds (never "0 min"), whole
/// minutes as minutes, hours with their minutes.
@Suite struct DurationsTests {
    @Test func limitsAreWordedInTheirOwnUnit() {
        #expect(Durations.limit(0) == "0 s")
        #expect(Durations.limit(8) == "8 s")
        #expect(Durations.limit(29.6) == "30 s")
        #expect(Durations.limit(59) == "59 s")
        #expect(Durations.limit(60) == "1 min")
        #expect(Durations.limit(90) == "1 min 30 s")
        #expect(Durations.limit(600) == "10 min")
        #expect(Durations.limit(3600) == "1 h")
        #expect(Durations.limit(3900) == "1 h 5 min")
        #expect(Durations.limit(3930) == "1 h 5 min")
        #expect(Durations.limit(26 * 3600) == "26 h")
        #expect(Durations.limit(-5) == "0 s")
    }

    func pending(limit: TimeInterval) -> PendingApproval {
        let task = QueuedTask(
            id: 9,
            request: TaskRequest(
                project: Project(name: "alpha", repoPath: "/code/alpha"), prompt: "tidy up", mode: .continue, requester: .cli))
        let asked = Date(timeIntervalSince1970: 1_800_000_000)
        return PendingApproval(
            id: ApprovalID(epoch: "e1", taskID: 9, sequence: 1), task: task,
            request: ApprovalRequest(turnID: "t", itemID: "i", action: .command(command: "ls", cwd: "/code/alpha"), reason: nil),
            askedAt: asked, expiresAt: asked.addingTimeInterval(limit))
    }

    @Test func anEightSecondApprovalLimitReadsEightSeconds() {
        let short = pending(limit: 8)
        #expect(ApprovalText.request(short).plain.hasSuffix("Declined by itself if nobody answers within 8 s."))
        #expect(ApprovalText.request(short).html.hasSuffix("<i>Declined by itself if nobody answers within 8 s.</i>"))
        #expect(ApprovalText.timedOutNotice(short).hasPrefix("⌛ Nobody answered within 8 s, so Codex was told no"))
        #expect(ApprovalText.request(pending(limit: 600)).plain.hasSuffix("within 10 min."))
        #expect(ApprovalText.timedOutNotice(pending(limit: 3900)).hasPrefix("⌛ Nobody answered within 1 h 5 min,"))
    }

    @Test func timeLimitsInStopReasonsUseTheSameWords() {
        #expect(StopReasonText.explain(.timeout(.total(.seconds(3600)))).hasPrefix("Timed out: it ran longer than 1 h."))
        #expect(StopReasonText.explain(.timeout(.idle(.seconds(45)))).hasPrefix("Timed out: Codex showed no progress for 45 s."))
    }
}
