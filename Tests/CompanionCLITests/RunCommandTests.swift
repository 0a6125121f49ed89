import Foundation
import Testing
import TestSupport

/// The local CLI as a new user drives it: the built binary, a real config, the REAL codex.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct RunCommandTests {
    @Test func secondRunContinuesTheFirstAndEachProjectHasItsOwnSession() async throws {
        let binary = try TestCodex.requireBinary()
        try await withWorkspace { workspace in
        let alpha = try await workspace.makeRepository("alpha")
        let beta = try await workspace.makeRepository("beta")
        let config = try workspace.writeConfig(projects: [("alpha", alpha), ("beta", beta)], codexBinary: binary)
        workspace.fake.script("add a todo file", [.shell("echo '- ship it' > TODO.md"), .message("Added TODO.md.")])
        workspace.fake.script("what did you add", [.message("A TODO file.")])

        let first = try await CompanionProcess.run(["run", "--config", config, "alpha", "add a todo file"])
        #expect(first.exitCode == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("no earlier Codex session in alpha: starting a new one"))
        #expect(first.stdout.contains("· ✓ echo '- ship it' > TODO.md"))
        #expect(first.stdout.contains("✅ Done · alpha"))
        #expect(first.stdout.contains("Added TODO.md."))
        #expect(FileManager.default.fileExists(atPath: alpha + "/TODO.md"))
        let firstSession = try #require(Self.sessionID(in: first.stdout, after: "New session "))

        let second = try await CompanionProcess.run(["run", "--config", config, "alpha", "what did you add?"])
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(second.stdout.contains("continuing session \(firstSession) (started from the companion CLI): \"add a todo file\""))
        #expect(second.stdout.contains("Continued session \(firstSession)"))
        #expect(workspace.fake.requests.last?.userPrompts == ["add a todo file", "what did you add?"])

        let third = try await CompanionProcess.run(["run", "--config", config, "beta", "hello beta"])
        #expect(third.exitCode == 0)
        #expect(third.stdout.contains("no earlier Codex session in beta"))
        let betaSession = try #require(Self.sessionID(in: third.stdout, after: "New session "))
        #expect(betaSession != firstSession)
        #expect(workspace.fake.requests.last?.userPrompts == ["hello beta"])

        let forced = try await CompanionProcess.run(["run", "--config", config, "alpha", "--new", "fresh start"])
        #expect(forced.stdout.contains("starting a new Codex session in alpha"))
        #expect(workspace.fake.requests.last?.userPrompts == ["fresh start"])

        let sessions = try await CompanionProcess.run(["sessions", "--config", config, "alpha"])
        let lines = sessions.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("\"fresh start\"") == true)
        #expect(lines.last?.contains("companion-cli") == true)
        #expect(lines.last?.hasSuffix("\"add a todo file\"") == true)

        let last = try await CompanionProcess.run(["last", "--config", config, "beta"])
        #expect(last.stdout.contains("\"hello beta\""))
        #expect(last.stdout.contains("✅ Done · beta"))

        let log = try String(contentsOfFile: workspace.stateDirectory + "/activity.log", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 4)
        #expect(log.contains("cli continue project=alpha ok"))
        }
    }

    @Test func failuresExitNonZeroWithCodexsMessage() async throws {
        let binary = try TestCodex.requireBinary()
        try await withWorkspace { workspace in
        let alpha = try await workspace.makeRepository("alpha")
        let config = try workspace.writeConfig(projects: [("alpha", alpha)], codexBinary: binary)
        workspace.fake.script("break", [.httpError(500)])
        let failed = try await CompanionProcess.run(["run", "--config", config, "alpha", "break please"])
        #expect(failed.exitCode == 1)
        #expect(failed.stdout.contains("❌ Failed · alpha"))
        #expect(failed.stdout.contains("Codex said: We're currently experiencing high demand"))
        let last = try await CompanionProcess.run(["last", "--config", config, "alpha"])
        #expect(last.stdout.contains("❌ Failed"))
        }
    }

    static func sessionID(in text: String, after marker: String) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        return String(text[range.upperBound...].prefix(8))
    }
}
