import Foundation
import TestSupport
import Testing

/// `codex-companion sessions` on a Codex home with today's rollout files (Codex 0.163: no
/// `user_message`, `"source": "vscode"` for a TUI thread made through its daemon) beside 0.147's.
@Suite struct SessionsCommandTests {
    @Test func todaysSessionsAreShownWithTheirFirstPromptAndWhereTheyBegan() async throws {
        try await withWorkspace { workspace in
            let alpha = try await workspace.makeRepository("alpha")
            let config = try workspace.writeConfig(projects: [("alpha", alpha)])
            let now = Date()
            let sessions: [(RolloutFixture.Session, age: TimeInterval)] = [
                (.init(id: "01a250ce-0000-7000-8000-00000000a001", cwd: alpha, prompt: "hello from the TUI", format: .paginated), 0),
                (
                    .init(
                        id: "01a250ce-0000-7000-8000-00000000a002", cwd: alpha, prompt: "from the editor", format: .paginated,
                        originator: "codex_vscode"), 60
                ),
                (
                    .init(
                        id: "01a250ce-0000-7000-8000-00000000a003", cwd: alpha, prompt: "from exec", format: .paginated, source: "exec",
                        originator: "codex_exec"), 120
                ),
                (.init(id: "01a250ce-0000-7000-8000-00000000a004", cwd: alpha, prompt: "from 0.147's terminal", source: "cli"), 180),
            ]
            for (session, age) in sessions {
                try RolloutFixture.write(session, codexHome: workspace.codexHome, modifiedAt: now.addingTimeInterval(-age))
            }
            let listing = try await CompanionProcess.run(["sessions", "--config", config, "alpha"], environment: workspace.userEnvironment)
            #expect(listing.exitCode == 0, "\(listing.stderr)")
            let lines = listing.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "\(listing.stdout)")
            let expected = [
                "a001": "terminal  \"hello from the TUI\"", "a002": "vscode  \"from the editor\"", "a003": "exec  \"from exec\"",
                "a004": "terminal  \"from 0.147's terminal\"",
            ]
            for (line, (id, tail)) in zip(lines, expected.sorted { $0.key < $1.key }) {
                #expect(line.hasPrefix("01a250ce-0000-7000-8000-00000000\(id)"), "\(line)")
                #expect(line.hasSuffix(tail), "\(line)")
            }
        }
    }
}
