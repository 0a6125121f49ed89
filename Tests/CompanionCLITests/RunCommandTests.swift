import Foundation
import TestSupport
import Testing

/// The local CLI as a new user drives it: the built binary, a real config, the REAL codex.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct RunCommandTests {
    /// Run as a user runs it: CODEX_HOME and PATH only in the environment, nothing about Codex in the config.
    @Test func secondRunContinuesTheFirstAndEachProjectHasItsOwnSession() async throws {
        _ = try TestCodex.requireBinary()
        try await withWorkspace { workspace in
            let alpha = try await workspace.makeRepository("alpha")
            let beta = try await workspace.makeRepository("beta")
            let config = try workspace.writeConfig(projects: [("alpha", alpha), ("beta", beta)])
            workspace.fake.script("add a todo file", [.shell("echo '- ship it' > TODO.md"), .message("Added TODO.md.")])
            workspace.fake.script("what did you add", [.message("A TODO file.")])

            let first = try await CompanionProcess.run(
                ["run", "--config", config, "alpha", "add a todo file"], environment: workspace.userEnvironment)
            #expect(first.exitCode == 0, "\(first.stdout)\n\(first.stderr)")
            #expect(first.stdout.contains("New Codex session (none existed in this project)"))
            #expect(first.stdout.contains("· ✓ echo '- ship it' > TODO.md"))
            #expect(first.stdout.contains("✅ Done · alpha"))
            #expect(first.stdout.contains("Added TODO.md."))
            #expect(FileManager.default.fileExists(atPath: alpha + "/TODO.md"))
            let firstSession = try #require(Self.sessionID(in: first.stdout, after: "New session "))

            let second = try await CompanionProcess.run(
                ["run", "--config", config, "alpha", "what did you add?"], environment: workspace.userEnvironment)
            #expect(second.exitCode == 0, "\(second.stderr)")
            #expect(second.stdout.contains("Continuing session \(firstSession), started from the companion CLI \"add a todo file\""))
            #expect(second.stdout.contains("Continued session \(firstSession)"))
            #expect(workspace.fake.requests.last?.userPrompts == ["add a todo file", "what did you add?"])
            let firstThread = try #require(workspace.fake.requests.first?.threadID)
            #expect(firstThread.hasSuffix(firstSession))
            #expect(workspace.fake.requests.last?.threadID == firstThread)

            let third = try await CompanionProcess.run(
                ["run", "--config", config, "beta", "hello beta"], environment: workspace.userEnvironment)
            #expect(third.exitCode == 0)
            #expect(third.stdout.contains("New Codex session (none existed in this project)"))
            let betaSession = try #require(Self.sessionID(in: third.stdout, after: "New session "))
            #expect(betaSession != firstSession)
            #expect(workspace.fake.requests.last?.userPrompts == ["hello beta"])

            let forced = try await CompanionProcess.run(
                ["run", "--config", config, "alpha", "--new", "fresh start"], environment: workspace.userEnvironment)
            #expect(forced.stdout.contains("· New Codex session\n"))
            #expect(workspace.fake.requests.last?.userPrompts == ["fresh start"])

            let sessions = try await CompanionProcess.run(
                ["sessions", "--config", config, "alpha"], environment: workspace.userEnvironment)
            let lines = sessions.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.contains("\"fresh start\"") == true)
            #expect(lines.last?.contains("companion-cli") == true)
            #expect(lines.last?.hasSuffix("\"add a todo file\"") == true)

            let last = try await CompanionProcess.run(["last", "--config", config, "beta"], environment: workspace.userEnvironment)
            #expect(last.stdout.contains("\"hello beta\""))
            #expect(last.stdout.contains("✅ Done · beta"))

            let log = try String(contentsOfFile: workspace.stateDirectory + "/activity.log", encoding: .utf8)
            #expect(log.split(separator: "\n").count == 4)
            #expect(log.contains("cli run project=alpha ok"))
            #expect(log.contains("cli run --new project=alpha ok"))

            // The user works in the terminal, then continues that session from the companion.
            let terminal = try await workspace.runCodexDirectly(prompt: "terminal work", in: alpha)
            #expect(terminal.exitCode == 0)
            let terminalThread = try #require(CodexWorkspace.threadID(inJSONL: terminal.stdout))
            let fromTerminal = try await CompanionProcess.run(
                ["run", "--config", config, "alpha", "carry on"],
                environment: workspace.userEnvironment)
            #expect(fromTerminal.exitCode == 0, "\(fromTerminal.stderr)")
            #expect(
                fromTerminal.stdout.contains("Continuing session \(terminalThread.suffix(8)), started with codex exec \"terminal work\""))
            #expect(workspace.fake.requests.last?.threadID == terminalThread)
            #expect(workspace.fake.requests.last?.userPrompts == ["terminal work", "carry on"])
        }
    }

    /// The one setting that beats the environment: `codex.home` in the config (with the binary named too).
    @Test func codexHomeInTheConfigWinsOverTheEnvironment() async throws {
        let binary = try TestCodex.requireBinary()
        try await withWorkspace { workspace in
            let alpha = try await workspace.makeRepository("alpha")
            let config = try workspace.writeConfig(projects: [("alpha", alpha)], codexBinary: binary, codexHomeInConfig: true)
            let elsewhere = ["CODEX_HOME": workspace.root + "/another-codex-home"]
            workspace.fake.script("break", [.httpError(500)])
            let failed = try await CompanionProcess.run(["run", "--config", config, "alpha", "break please"], environment: elsewhere)
            #expect(failed.exitCode == 1)
            #expect(failed.stdout.contains("❌ Failed · alpha"))
            // Codex's own words, passed on: 0.147 writes "We're", 0.163 "We’re".
            #expect(failed.stdout.contains("Codex said: We"))
            #expect(failed.stdout.contains("re currently experiencing high demand"))
            let last = try await CompanionProcess.run(["last", "--config", config, "alpha"], environment: elsewhere)
            #expect(last.stdout.contains("❌ Failed"))
            let retry = try await CompanionProcess.run(["run", "--config", config, "alpha", "try again"], environment: elsewhere)
            #expect(retry.exitCode == 0, "\(retry.stdout)")
            #expect(retry.stdout.contains("Continued session"))
            #expect(workspace.fake.requests.last?.userPrompts == ["break please", "try again"])
            #expect(!FileManager.default.fileExists(atPath: workspace.root + "/another-codex-home"))
        }
    }

    static func sessionID(in text: String, after marker: String) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        return String(text[range.upperBound...].prefix(8))
    }
}
