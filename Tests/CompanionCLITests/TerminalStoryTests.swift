import Foundation
import TestSupport
import Testing

/// The story the product is for, with the terminal as people use it: the interactive `codex` (its terminal
/// UI, driven in tmux), then the phone. The built `serve` binary runs with HOME, CODEX_HOME and PATH only.
/// On Codex 0.151+ the terminal UI leaves its daemon behind, holding the session; the phone goes through it.
@Suite(
    .enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)),
    .enabled(if: TerminalCodex.isAvailable, Comment(rawValue: TerminalCodex.missingMessage)),
    .timeLimit(.minutes(5)))
struct TerminalStoryTests {
    static let owner: Int64 = 5151

    @Test func thePhoneContinuesTheSessionOfTheTerminalUIAfterItQuits() async throws {
        try await withTerminalStory { workspace, telegram, alpha, config in
            let fake = workspace.fake
            fake.script("desk prompt", [.message("Did: desk prompt")])
            fake.script("phone follow-up", [.message("Did: phone follow-up")])
            let (terminal, deskThread) = try await Self.deskPrompt(in: alpha, workspace: workspace)
            await terminal.quit()

            let sessions = try await CompanionProcess.run(
                ["sessions", "--config", config, "alpha"], environment: workspace.homeEnvironment)
            #expect(sessions.exitCode == 0, "\(sessions.stderr)")
            let listed =
                sessions.stdout.split(separator: "\n").first { $0.contains(deskThread.prefix(8)) }.map(String.init) ?? sessions.stdout
            #expect(listed.contains("desk prompt"), "the terminal's first prompt: \(sessions.stdout)")
            #expect(listed.contains("terminal"), "called a terminal session: \(sessions.stdout)")

            _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.homeEnvironment) { process in
                telegram.sendMessage(from: Self.owner, text: "/project alpha")
                try await telegram.waitForMessage(to: Self.owner, "the project choice") { $0.hasPrefix("Active project: alpha.") }
                telegram.sendMessage(from: Self.owner, text: "phone follow-up")
                let card = try await telegram.waitForMessage(to: Self.owner, "the phone's result") {
                    $0.hasPrefix("✅ Done") && $0.contains("Did: phone follow-up")
                }.text
                #expect(card.contains("Continued session \(deskThread.suffix(8)) (started in the terminal"), "\(card)")
                #expect(Self.request(fake, endingWith: "phone follow-up")?.threadID == deskThread)
                #expect(Self.request(fake, endingWith: "phone follow-up")?.userPrompts == ["desk prompt", "phone follow-up"])
                try process.send(signal: .terminate)
            }
        }
    }

    /// One live session: with the terminal UI open on the thread, the phone's turn shows in the terminal
    /// as it runs, and the terminal's next turn continues the same thread.
    @Test(.enabled(if: CodexDaemonControl.isSupported, Comment(rawValue: CodexDaemonControl.missingMessage)))
    func aPhoneTurnShowsInTheOpenTerminalAndTheTerminalGoesOnFromIt() async throws {
        try await withTerminalStory { workspace, telegram, alpha, config in
            let fake = workspace.fake
            fake.script("desk prompt", [.message("Did: desk prompt")])
            fake.script("phone turn", [.message("Did: phone turn")])
            fake.script("desk again", [.message("Did: desk again")])
            let (terminal, deskThread) = try await Self.deskPrompt(in: alpha, workspace: workspace)

            _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.homeEnvironment) { process in
                telegram.sendMessage(from: Self.owner, text: "/project alpha")
                try await telegram.waitForMessage(to: Self.owner, "the project choice") { $0.hasPrefix("Active project: alpha.") }
                telegram.sendMessage(from: Self.owner, text: "phone turn")
                _ = try await telegram.waitForMessage(to: Self.owner, "the phone's result") {
                    $0.hasPrefix("✅ Done") && $0.contains("Did: phone turn")
                }
                #expect(Self.request(fake, endingWith: "phone turn")?.threadID == deskThread)
                try await terminal.waitForScreen("the phone's turn in the terminal") {
                    $0.contains("phone turn") && $0.contains("Did: phone turn")
                }
                try await terminal.type("desk again")
                try await terminal.waitForScreen("the desk's next answer") { $0.contains("Did: desk again") }
                #expect(Self.request(fake, endingWith: "desk again")?.threadID == deskThread)
                #expect(Self.request(fake, endingWith: "desk again")?.userPrompts == ["desk prompt", "phone turn", "desk again"])
                try process.send(signal: .terminate)
            }
            await terminal.quit()
        }
    }

    /// Opens the terminal UI in `repo` and has it answer "desk prompt"; the terminal and the desk's thread.
    static func deskPrompt(in repo: String, workspace: CodexWorkspace) async throws -> (TerminalCodex, String) {
        let terminal = try await TerminalCodex.start(in: repo, workspace: workspace)
        try await terminal.type("desk prompt")
        try await terminal.waitForScreen("the desk answer") { $0.contains("Did: desk prompt") }
        let deskThread = try #require(request(workspace.fake, endingWith: "desk prompt")?.threadID)
        return (terminal, deskThread)
    }

    /// The latest model request of the turn whose prompt is `prompt` (Codex 0.163's terminal UI also asks
    /// the model for a title, in a thread of its own).
    static func request(_ fake: FakeResponsesServer, endingWith prompt: String) -> FakeResponsesServer.RecordedRequest? {
        fake.requests.last { $0.userPrompts.last == prompt }
    }

    /// A workspace with the alpha repository, a fake Bot API and a config as a user writes it; Codex's
    /// daemon, if the terminal UI started one, is stopped afterwards whatever happens.
    private func withTerminalStory(
        _ body: (CodexWorkspace, FakeTelegramServer, String, String) async throws -> Void
    ) async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                let config = try workspace.writeConfig(
                    projects: [("alpha", alpha)], stateDirectoryInConfig: false, extra: telegram.configSection(allowing: Self.owner))
                do {
                    try await body(workspace, telegram, alpha, config)
                } catch {
                    await CodexDaemonControl.stop(codexHome: workspace.codexHome)
                    throw error
                }
                await CodexDaemonControl.stop(codexHome: workspace.codexHome)
            }
        }
    }
}
