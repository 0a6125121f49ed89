import CompanionCore
import Foundation
import Subprocess
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Approvals on the phone, end to end: the daemon on the app-server engine, the REAL codex asking (the
/// fake model's escalated shell step), the fake Bot API with buttons and taps.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct BotApprovalTests {
    static let marker = "approved-marker.txt"

    /// A turn whose command must be approved: it writes a marker file in the repository.
    func scriptRisky(_ harness: BotHarness, _ phrase: String = "risky", answer: String = "Finished the risky step.") {
        harness.workspace.fake.script(
            phrase,
            [.escalatedShell("echo yes > \(Self.marker)", justification: "Write the marker file"), .message(answer)])
    }

    @Test func approveRunsTheCommandAndTheAnswerArrivesThenTheButtonsExpire() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            scriptRisky(harness)
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "do the risky thing")
            let request = try await harness.approvalRequest()
            #expect(request.text.hasPrefix("🔐 Codex asks for approval · alpha · task #1"))
            #expect(request.text.contains("Run:\necho yes > \(Self.marker)"), "\(request.text)")
            #expect(request.text.contains("Why: Write the marker file"), "\(request.text)")
            #expect(request.buttons.flatMap { $0 }.map(\.text) == ["✅ Approve", "✅ Approve for this session", "🚫 Deny", "⏹ Stop the task"])
            #expect(!FileManager.default.fileExists(atPath: harness.alpha + "/" + Self.marker))

            // /status shows the task as waiting, quoting the request.
            let status = try await harness.ownerSays("/status")
            #expect(status[0].text.contains("⏸ Waiting"), "\(status[0].text)")
            #expect(status[0].replyTo == request.messageID)

            // A stranger's tap is refused and changes nothing.
            let strangerTap = try harness.tap("Approve", on: request, as: BotHarness.stranger)
            #expect(try await harness.tapAnswer(strangerTap) == "Not allowed.")
            #expect(!harness.telegram.buttons(of: request.messageID).isEmpty)

            let tap = try harness.tap("✅ Approve", on: request)
            #expect(try await harness.tapAnswer(tap) == "Approved")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("Finished the risky step."))
            // The fake model waits for a command that is still running, as a model does: the approved command
            // has written its file before the turn could end.
            #expect(FileManager.default.fileExists(atPath: harness.alpha + "/" + Self.marker))
            #expect(harness.telegram.buttons(of: request.messageID).isEmpty)
            #expect(harness.telegram.currentText(of: request.messageID)?.contains("✅ Approved from Telegram at") == true)

            // The turn is over: a late tap on the old message changes nothing.
            let late = try harness.tap("🚫 Deny", on: request)
            #expect(try await harness.tapAnswer(late) == "This request has expired.")
            #expect(harness.telegram.rejectedSends == 0)
            // Stopped first, so every tap has been audited.
            #expect(try await daemon.stop().get() == ())
            let audit = try await daemon.database.recentAudit(limit: 20)
            let decision = try #require(audit.first { $0.command == "approval" })
            #expect(decision.outcome == .approved)
            #expect(decision.userID == BotHarness.owner)
            #expect(decision.detail?.contains("echo yes > \(Self.marker)") == true)
            #expect(audit.contains { $0.command == "approval-request" && $0.outcome == .waiting })
            #expect(audit.contains { $0.command == "approval-tap" && $0.outcome == .unauthorised && $0.userID == BotHarness.stranger })
            #expect(audit.contains { $0.command == "approval-tap" && $0.outcome == .expired })
        }
    }

    @Test func denyKeepsTheCommandFromRunningAndTheTurnCompletes() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            scriptRisky(harness, answer: "I could not write the marker.")
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new do the risky thing")
            let request = try await harness.approvalRequest()
            #expect(try await harness.tapAnswer(try harness.tap("Deny", on: request)) == "Denied")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("I could not write the marker."))
            #expect(card.text.contains("✗"), "the declined command is listed as not run: \(card.text)")
            #expect(!FileManager.default.fileExists(atPath: harness.alpha + "/" + Self.marker))
            #expect(harness.telegram.currentText(of: request.messageID)?.contains("🚫 Denied from Telegram at") == true)
            await daemon.stop()
        }
    }

    @Test func approveForTheSessionIsNotAskedAgainForTheSameCommand() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            let command = "echo again >> \(Self.marker)"
            harness.workspace.fake.script(
                "twice",
                [
                    .escalatedShell(command, justification: "Append to the marker"),
                    .escalatedShell(command, justification: "Append to the marker"), .message("Wrote it twice."),
                ])
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new write it twice")
            let request = try await harness.approvalRequest()
            #expect(try await harness.tapAnswer(try harness.tap("for this session", on: request)) == "Approved for this session")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("Wrote it twice."))
            #expect(harness.telegram.messages(to: BotHarness.owner).filter { $0.text.hasPrefix("🔐") }.count == 1)
            // Both runs of the approved command, before the turn ended (see the approval test).
            #expect((try? String(contentsOfFile: harness.alpha + "/" + Self.marker, encoding: .utf8)) == "again\nagain\n")
            await daemon.stop()
        }
    }

    @Test func anUnansweredRequestIsDeclinedAfterTheTimeoutAndTheUserIsTold() async throws {
        try await withBotHarness(engine: .appServer, approvals: ["timeout_seconds": 1]) { harness in
            let daemon = try harness.startDaemon()
            scriptRisky(harness, answer: "Nobody approved, so I skipped it.")
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new do the risky thing")
            let request = try await harness.approvalRequest()
            let notice = try await harness.telegram.waitForMessage(to: BotHarness.owner, "saying nobody answered") {
                $0.hasPrefix("⌛ Nobody answered")
            }
            #expect(notice.replyTo == request.messageID)
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("Nobody approved, so I skipped it."))
            #expect(!FileManager.default.fileExists(atPath: harness.alpha + "/" + Self.marker))
            #expect(harness.telegram.currentText(of: request.messageID)?.contains("⌛ Declined at") == true)
            await daemon.stop()
            let audit = try await daemon.database.recentAudit(limit: 20)
            #expect(audit.contains { $0.command == "approval" && $0.outcome == .timedOut })
        }
    }

    @Test func cancelWhileARequestWaitsStopsCodexWithinSeconds() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            scriptRisky(harness)
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new do the risky thing")
            let request = try await harness.approvalRequest()
            let pid = try #require(try await daemon.database.lastTask(project: "alpha")?.codexPID)
            #expect(kill(pid, 0) == 0)
            // The request would wait 600 s for an answer: only the cancel ends the task before the harness gives up.
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/cancel")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") {
                $0.hasPrefix("⏹ Cancelled")
            }
            #expect(card.text.contains("alpha"))
            try await harness.telegram.waitUntil("codex to be gone") { _ in kill(pid, 0) != 0 }
            #expect(harness.telegram.buttons(of: request.messageID).isEmpty)
            #expect(harness.telegram.currentText(of: request.messageID)?.contains("⏹ Not run: the task stopped") == true)
            #expect(!FileManager.default.fileExists(atPath: harness.alpha + "/" + Self.marker))
            await daemon.stop()
        }
    }

    /// Starts a turn whose first step asks for approval and whose model then stays silent for 90 s, and
    /// approves the step.
    func approveAStepBeforeASilentModel(_ harness: BotHarness, _ phrase: String) async throws {
        harness.workspace.fake.script(
            phrase,
            [
                .escalatedShell("echo yes > \(Self.marker)", justification: "Write the marker file"),
                .slowMessage("never seen", delay: .seconds(90)),
            ])
        _ = try await harness.ownerSays("/project alpha")
        harness.telegram.sendMessage(from: BotHarness.owner, text: "/new \(phrase)")
        let request = try await harness.approvalRequest()
        #expect(try await harness.tapAnswer(try harness.tap("✅ Approve", on: request)) == "Approved")
    }

    /// The model takes long after an approved step: /cancel must still stop Codex (it once stopped
    /// working after the first approval of a turn).
    @Test func cancelAfterAnApprovalStopsCodex() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            try await approveAStepBeforeASilentModel(harness, "approve then wait")
            let pid = try #require(try await daemon.database.lastTask(project: "alpha")?.codexPID)
            await harness.workspace.fake.waitForRequests(2)  // the model now takes its time
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/cancel")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") {
                $0.hasPrefix("⏹ Cancelled") || $0.hasPrefix("✅ Done")
            }
            #expect(card.text.hasPrefix("⏹ Cancelled"), "\(card.text)")
            try await harness.telegram.waitUntil("codex to be gone") { _ in kill(pid, 0) != 0 }
            await daemon.stop()
        }
    }

    /// The idle limit still stops a turn whose approved step is followed by a silent model. (A minute: on
    /// CI's loaded machine Codex once took longer than half a minute to ask, and the limit ended the task
    /// before its request.)
    @Test func theIdleLimitStillStopsATaskAfterAnApproval() async throws {
        try await withBotHarness(engine: .appServer, limits: ["idle_timeout_minutes": 1]) { harness in
            let daemon = try harness.startDaemon()
            try await approveAStepBeforeASilentModel(harness, "approve then hang")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") {
                $0.hasPrefix("❌ Failed") || $0.hasPrefix("✅ Done")
            }
            #expect(card.text.contains("Timed out: Codex showed no progress"), "\(card.text)")
            await daemon.stop()
        }
    }

    /// A model that hides the end of a command (padding, direction overrides, sheer length) cannot get it
    /// approved unseen: the message shows the start and the end, and the whole goes first as a file.
    @Test func aRequestShowsWhatItApproves() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            let padded = "echo 'running the unit tests'" + String(repeating: " ", count: 640) + "; rm -f victim.txt"
            let long = "echo " + String(repeating: "x", count: 900) + " && rm -f other.txt # \u{202E}txt.sh"
            harness.workspace.fake.script(
                "hide it",
                [
                    .escalatedShell(padded, justification: "Run the unit tests"),
                    .escalatedShell(long, justification: "Print a banner"), .message("Both were denied."),
                ])
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new hide it")
            let first = try await harness.approvalRequest()
            #expect(first.text.contains("echo 'running the unit tests' ⟨640 spaces⟩ ; rm -f victim.txt"), "\(first.text)")
            #expect(try await harness.tapAnswer(try harness.tap("Deny", on: first)) == "Denied")

            let second = try await harness.approvalRequest(2)
            // The file went out before the message with the buttons: it is there the moment they are.
            let document = try #require(harness.telegram.documents.first { $0.fileName.hasPrefix("approval-task") })
            #expect(second.text.contains("characters left out⟩"), "\(second.text)")
            #expect(second.text.contains("&& rm -f other.txt # ⟨U+202E⟩txt.sh"), "the end is shown: \(second.text)")
            #expect(second.text.contains("The whole command is attached"))
            #expect(String(decoding: document.contents, as: UTF8.self).contains(String(repeating: "x", count: 900) + " && rm -f other.txt"))
            #expect(try await harness.tapAnswer(try harness.tap("Deny", on: second)) == "Denied")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("Both were denied."))
            await daemon.stop()
        }
    }

    @Test func textSentDuringASlowAnswerSteersTheSameTurn() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            let fake = harness.workspace.fake
            fake.script(
                "write slowly",
                [.streamedMessage(["This answer ", "arrives ", "slowly, ", "piece ", "by ", "piece."], pause: .milliseconds(700))])
            fake.script("mention tabs", [.message("Tabs are mentioned now.")])
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new write slowly please")
            // The answer is shown while it is written.
            try await harness.telegram.waitUntil("the answer being written") { fake in
                fake.edits.contains { $0.text.contains("✍️ This answer") }
            }
            let added = try await harness.ownerSays("also mention tabs")
            #expect(added[0].text.hasPrefix("➕ Added to the running task #1 in alpha"), "\(added[0].text)")
            let card = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") { $0.hasPrefix("✅ Done") }
            #expect(card.text.contains("Tabs are mentioned now."))
            // The answer to the first request is not lost: it comes first, then what was added and its answer.
            // Codex 0.147 finishes it before it reads the added text; 0.163 cuts it short and never completes
            // it: the card keeps it as far as it was written.
            let steered = try #require(card.text.range(of: "also mention tabs"), "\(card.text)")
            let second = try #require(card.text.range(of: "Tabs are mentioned now."))
            #expect(steered.upperBound <= second.lowerBound)
            let full = "This answer arrives slowly, piece by piece."
            let beforeSteered = card.text[..<steered.lowerBound]
            let kept = stride(from: full.count, through: "This answer".count, by: -1).map { String(full.prefix($0)) }
                .first { beforeSteered.contains($0) }
            #expect(kept != nil, "\(card.text)")
            #expect(fake.requests.last?.userPrompts == ["write slowly please", "also mention tabs"])
            // One task, one turn: no second card, nothing queued.
            #expect(harness.telegram.messages(to: BotHarness.owner).filter { $0.text.hasPrefix("✅ Done") }.count == 1)
            #expect(try await daemon.database.lastTask(project: "alpha")?.id == 1)
            await daemon.stop()
            let audit = try await daemon.database.recentAudit(limit: 10)
            #expect(audit.contains { $0.command == "text" && $0.outcome == .steered })
        }
    }

    @Test func theTerminalCanResumeTheSessionRightAfterAPhoneTurn() async throws {
        try await withBotHarness(engine: .appServer) { harness in
            let daemon = try harness.startDaemon()
            harness.workspace.fake.script("from the phone", [.message("Phone turn done.")])
            harness.workspace.fake.script("from the terminal", [.message("Terminal turn done.")])
            _ = try await harness.ownerSays("/project alpha")
            harness.telegram.sendMessage(from: BotHarness.owner, text: "/new from the phone")
            _ = try await harness.telegram.waitForMessage(to: BotHarness.owner, "with the result") { $0.hasPrefix("✅ Done") }
            let thread = try #require(try await daemon.database.lastTask(project: "alpha")?.threadID)
            let binary = try TestCodex.requireBinary()
            let result = try await Subprocess.run(
                .path(FilePath(binary)), arguments: ["exec", "--json", "resume", thread, "-"],
                environment: .inherit.updating(CodexWorkspace.codexUpdates(codexHome: harness.workspace.codexHome)),
                workingDirectory: FilePath(harness.alpha), input: .string("from the terminal"),
                output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
            #expect(result.terminationStatus.isSuccess, "\(result.standardError)")
            #expect(result.standardOutput.contains("Terminal turn done."))
            #expect(harness.workspace.fake.requests.last?.userPrompts == ["from the phone", "from the terminal"])
            await daemon.stop()
        }
    }
}
