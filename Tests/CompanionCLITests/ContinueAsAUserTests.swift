import Foundation
import TestSupport
import Testing

/// The product's main story, run as a user runs it: the built `serve` binary with HOME, CODEX_HOME and
/// PATH only in its environment (no `codex` section and no `state_dir` in the config), the REAL codex, the
/// fake Bot API. Every "continue" is checked against the thread id the model server sees.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct ContinueAsAUserTests {
    static let owner: Int64 = 5150

    @Test func plainTextAndContinueResumeTheSameThreadAndATerminalSession() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                let config = try workspace.writeConfig(
                    projects: [("alpha", alpha)], stateDirectoryInConfig: false,
                    extra: telegram.configSection(allowing: Self.owner))
                let fake = workspace.fake
                for prompt in ["first task", "second task", "third task", "terminal task", "phone follow-up"] {
                    fake.script(prompt, [.message("Did: \(prompt)")])
                }
                _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.homeEnvironment) {
                    process in
                    telegram.sendMessage(from: Self.owner, text: "/project alpha")
                    try await telegram.waitForMessage(to: Self.owner, "the project choice") { $0.hasPrefix("Active project: alpha.") }

                    telegram.sendMessage(from: Self.owner, text: "/new first task")
                    let first = try await Self.result(telegram, containing: "first task")
                    #expect(first.contains("New session"))
                    let thread = try #require(fake.requests.last?.threadID)

                    telegram.sendMessage(from: Self.owner, text: "second task")
                    let second = try await Self.result(telegram, containing: "second task")
                    #expect(second.contains("Continued session \(thread.suffix(8))"), "\(second)")
                    #expect(fake.requests.last?.threadID == thread)
                    #expect(fake.requests.last?.userPrompts == ["first task", "second task"])

                    telegram.sendMessage(from: Self.owner, text: "/continue third task")
                    _ = try await Self.result(telegram, containing: "third task")
                    #expect(fake.requests.last?.threadID == thread)
                    #expect(fake.requests.last?.userPrompts == ["first task", "second task", "third task"])

                    // Back at the desk: a session started in the terminal is the latest; the phone continues it.
                    let terminal = try await workspace.runCodexDirectly(prompt: "terminal task", in: alpha)
                    #expect(terminal.exitCode == 0)
                    let terminalThread = try #require(CodexWorkspace.threadID(inJSONL: terminal.stdout))
                    #expect(terminalThread != thread)
                    telegram.sendMessage(from: Self.owner, text: "phone follow-up")
                    let followUp = try await Self.result(telegram, containing: "phone follow-up")
                    #expect(followUp.contains("Continued session \(terminalThread.suffix(8)) (started with codex exec"), "\(followUp)")
                    #expect(fake.requests.last?.threadID == terminalThread)
                    #expect(fake.requests.last?.userPrompts == ["terminal task", "phone follow-up"])
                    try process.send(signal: .terminate)
                }
                #expect(telegram.rejectedSends == 0)
                // The state went where a user's default puts it: under $HOME.
                #expect(FileManager.default.fileExists(atPath: workspace.root + "/home/.codex-companion/companion.sqlite"))
            }
        }
    }

    /// Waits for the result card of the task the fake answered with "Did: <prompt>".
    static func result(_ telegram: FakeTelegramServer, containing prompt: String) async throws -> String {
        try await telegram.waitForMessage(to: owner, "the result of \"\(prompt)\"") {
            $0.hasPrefix("✅ Done") && $0.contains("Did: \(prompt)")
        }.text
    }
}
