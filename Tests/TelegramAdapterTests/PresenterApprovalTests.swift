import CompanionCore
import Foundation
import PortFakes
import TelegramAdapter
import Testing

/// Approval requests in the chat: a new message with decision buttons, the progress message saying what
/// waits, and once decided the request edited to say so (buttons gone); a timeout is told anew.
@Suite struct PresenterApprovalTests {
    func pending(_ rig: PresenterRig, sequence: Int = 1) -> PendingApproval {
        let asked = rig.task.startedAt.addingTimeInterval(5)
        return PendingApproval(
            id: ApprovalID(epoch: "abc123", taskID: 1, sequence: sequence), task: QueuedTask(id: 1, request: rig.task.request),
            request: ApprovalRequest(
                turnID: "t", itemID: "i\(sequence)", action: .command(command: "touch /etc/marker", cwd: "/code/alpha"),
                reason: "Writes outside the workspace"),
            askedAt: asked, expiresAt: asked.addingTimeInterval(600))
    }

    @Test func aRequestIsANewMessageWithButtonsAndItsDecisionEditsItAway() async throws {
        let rig = PresenterRig()
        await rig.start()
        let request = pending(rig)
        await rig.feed(.approvalRequested(request))
        await Eventually.until { rig.sent(.post).count == 2 }
        let posted = try #require(rig.sent(.post).last)
        #expect(posted.text.hasPrefix("🔐 Codex asks for approval · alpha · task #1"))
        #expect(posted.text.contains("Run:\ntouch /etc/marker"))
        #expect(posted.text.contains("In: the repository"))
        #expect(posted.text.contains("Why: Writes outside the workspace"))
        #expect(posted.text.contains("Declined by itself if nobody answers within 10 min."))
        #expect(
            posted.buttons.map { $0.map(\.title) } == [
                ["✅ Approve", "✅ Approve for this session"], ["🚫 Deny", "⏹ Stop the task"],
            ])
        #expect(posted.buttons.flatMap { $0 }.compactMap { ApprovalButton(data: $0.data)?.id } == Array(repeating: request.id, count: 4))

        // The progress message says what waits.
        await rig.tick()
        #expect(rig.sent(.edit).last?.text.contains("⏸ Waiting for your approval: run `touch /etc/marker`") == true)

        let decidedAt = request.askedAt.addingTimeInterval(30)
        await rig.feed(
            .approvalResolved(request, .decided(.accept, by: .user(.telegram(chatID: PresenterRig.chat), userID: 42), at: decidedAt)))
        let messageID = try #require(posted.messageID)
        await Eventually.until { rig.messenger.buttons(of: messageID).isEmpty }
        let concluded = try #require(rig.sent(.edit).last { $0.messageID == messageID })
        #expect(concluded.text.hasSuffix("✅ Approved from Telegram at \(clock(decidedAt))."))
        #expect(!concluded.text.contains("Declined by itself"))
        #expect(rig.messenger.buttons(of: messageID).isEmpty)
        await rig.tick()
        #expect(rig.sent(.edit).last { $0.messageID != messageID }?.text.contains("Waiting for your approval") == false)
        await rig.end()
    }

    @Test func aTimeoutIsToldInANewMessageThatQuotesTheRequest() async throws {
        let rig = PresenterRig()
        await rig.start()
        let request = pending(rig)
        await rig.feed(.approvalRequested(request))
        await Eventually.until { rig.sent(.post).count == 2 }
        let messageID = try #require(rig.sent(.post).last?.messageID)
        await rig.feed(.approvalResolved(request, .decided(.decline, by: .timeout, at: request.expiresAt)))
        await Eventually.until { rig.sent(.post).count == 3 }
        let notice = try #require(rig.sent(.post).last)
        #expect(notice.text.hasPrefix("⌛ Nobody answered within 10 min, so Codex was told no"))
        #expect(notice.replyTo == messageID)
        #expect(rig.sent(.edit).last { $0.messageID == messageID }?.text.contains("⌛ Declined at") == true)
        await rig.end()
    }

    @Test func aTurnThatEndsFirstExpiresItsRequest() async throws {
        let rig = PresenterRig()
        await rig.start()
        let request = pending(rig)
        await rig.feed(.approvalRequested(request))
        await Eventually.until { rig.sent(.post).count == 2 }
        let messageID = try #require(rig.sent(.post).last?.messageID)
        await rig.feed(.approvalResolved(request, .expired(at: request.askedAt.addingTimeInterval(60))))
        await Eventually.until { rig.messenger.buttons(of: messageID).isEmpty }
        #expect(rig.sent(.edit).last { $0.messageID == messageID }?.text.contains("⌛ Expired at") == true)
        await rig.end()
    }

    func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
