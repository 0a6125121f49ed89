import CodexAdapter
import CompanionCore
import Foundation
import TestSupport
import Testing

/// The task service and its bridge end to end with the REAL codex binary, offline against the fake Responses server.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct CodexBridgeTests {
    @Test func aNewSessionRunsAShellCommandAndCreatesAFile() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script(
                "create the notes",
                [
                    .shell("echo remember > notes.txt && ls"),
                    .message("I created **notes.txt**."),
                ])
            let harness = try BridgeHarness(workspace: workspace, binary: binary)
            let project = Project(name: "alpha", repoPath: repo)
            let (report, events, note) = try await harness.run(project, "please create the notes file", mode: .new)

            #expect(report.status == .done, "\(report.failureReason ?? "") \(report.stderrTail)")
            #expect(note == .new)
            #expect(try String(contentsOfFile: repo + "/notes.txt", encoding: .utf8) == "remember\n")
            #expect(report.turn.finalMessage == "I created **notes.txt**.")
            let command = try #require(report.turn.commands.first)
            #expect(command.command.contains("echo remember > notes.txt"))
            #expect(command.exitCode == 0)
            #expect(report.threadID?.isEmpty == false)
            // Two model responses of 100 in / 10 out each: this turn's usage.
            #expect(report.turnUsage == TokenUsage(inputTokens: 200, cachedInputTokens: 40, outputTokens: 20))
            #expect(events.first == .threadStarted(threadID: report.threadID ?? ""))
            #expect(events.contains { if case .itemStarted = $0 { true } else { false } })

            let stored = try #require(try await harness.database.lastTask(project: "alpha"))
            #expect(stored.status == .done)
            #expect(stored.threadID == report.threadID)
            let summary = ResultCard().plainText(report)
            #expect(summary.contains("✓ echo remember > notes.txt && ls"))
        }
    }

    @Test func continueResumesTheSameThreadWithItsHistory() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let harness = try BridgeHarness(workspace: workspace, binary: binary)
            let project = Project(name: "alpha", repoPath: repo)
            workspace.fake.script("first question", [.message("first answer")])
            workspace.fake.script("second question", [.message("second answer")])
            let (first, _, _) = try await harness.run(project, "first question about alpha", mode: .new)
            let (second, _, note) = try await harness.run(project, "second question", mode: .continue)

            #expect(first.status == .done)
            #expect(second.status == .done, "\(second.failureReason ?? "")")
            #expect(second.threadID == first.threadID)
            guard case .continued(let session, let origin) = note else {
                Issue.record("expected a continued session, got \(String(describing: note))")
                return
            }
            #expect(session.id == first.threadID)
            #expect(session.firstPrompt == "first question about alpha")
            #expect(origin == .companion(.cli))
            // The proof that Codex continued the thread: the model saw the earlier prompt again.
            let last = try #require(workspace.fake.requests.last)
            #expect(last.userPrompts == ["first question about alpha", "second question"])
            #expect(last.threadID == first.threadID)
            // Usage is per turn, not the thread's running total.
            #expect(second.turnUsage == TokenUsage(inputTokens: 100, cachedInputTokens: 20, outputTokens: 10))
            #expect(second.turn.finalMessage == "second answer")
        }
    }

    @Test func continuePicksASessionStartedOutsideTheCompanion() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let other = try await workspace.makeRepository("beta")
            workspace.fake.script("terminal work", [.message("terminal answer")])
            let direct = try await workspace.runCodexDirectly(prompt: "terminal work on alpha", in: repo)
            #expect(direct.exitCode == 0)
            let threadLine = try #require(direct.stdout.split(separator: "\n").first)
            // A newer session in another repository must not be picked.
            _ = try await workspace.runCodexDirectly(prompt: "terminal work on beta", in: other)

            let harness = try BridgeHarness(workspace: workspace, binary: binary)
            let (report, _, note) = try await harness.run(Project(name: "alpha", repoPath: repo), "carry on", mode: .continue)
            #expect(report.status == .done)
            guard case .continued(let session, let origin) = note else {
                Issue.record("expected a continued session, got \(String(describing: note))")
                return
            }
            #expect(threadLine.contains(session.id))
            #expect(session.source == "exec")
            #expect(origin == .codex(source: "exec"))
            #expect(workspace.fake.requests.last?.userPrompts == ["terminal work on alpha", "carry on"])
            // Continued again: still the terminal's session, not one the companion started.
            let (_, _, again) = try await harness.run(Project(name: "alpha", repoPath: repo), "and more", mode: .continue)
            guard case .continued(let same, let sameOrigin) = again else {
                Issue.record("expected a continued session, got \(String(describing: again))")
                return
            }
            #expect(same.id == session.id)
            #expect(sameOrigin == .codex(source: "exec"))
        }
    }

    @Test func continueWithNoSessionStartsANewOneAndSaysSo() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let harness = try BridgeHarness(workspace: workspace, binary: binary)
            let (report, _, note) = try await harness.run(Project(name: "alpha", repoPath: repo), "hello", mode: .continue)
            #expect(report.status == .done)
            #expect(note == .newBecauseNoneFound)
            #expect(report.session == .newBecauseNoneFound)
            #expect(ResultCard().plainText(report).contains("no earlier session in this repository"))
            #expect(workspace.fake.requests.last?.userPrompts == ["hello"])
        }
    }

    @Test func codexFailingIsReportedWithItsOwnMessage() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("server error", [.httpError(500)])
            let harness = try BridgeHarness(workspace: workspace, binary: binary)
            let (report, _, _) = try await harness.run(Project(name: "alpha", repoPath: repo), "server error please", mode: .new)
            #expect(report.status == .failed)
            #expect(report.exitCode == 1)
            let reason = try #require(report.failureReason)
            #expect(reason.contains("high demand"), "\(reason)")
            #expect(ResultCard().plainText(report).contains("Codex said: "))
            let stored = try #require(try await harness.database.lastTask(project: "alpha"))
            #expect(stored.status == .failed)
        }
    }

    @Test func emptyPromptsAreRefusedBeforeAnythingRuns() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let harness = try BridgeHarness(workspace: workspace, binary: binary)
            let answer = await harness.makeService().submit(
                TaskRequest(
                    project: Project(name: "alpha", repoPath: repo), prompt: "  \n ",
                    mode: .continue, requester: .cli))
            #expect(answer == .refused(.emptyPrompt))
            #expect(workspace.fake.requests.isEmpty)
            #expect(try await harness.database.lastTask(project: "alpha") == nil)
        }
    }
}
