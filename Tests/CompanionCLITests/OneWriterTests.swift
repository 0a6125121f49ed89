import CompanionCore
import Foundation
import Store
import TestSupport
import Testing

/// The daemon and `codex-companion run` share one state directory, and the store lets only one of them
/// run Codex in a repository at a time: the built binaries, the REAL codex, the fake model and Bot API.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct OneWriterTests {
    static let owner: Int64 = 5151

    @Test func theCLINeverRunsCodexWhereTheDaemonDoesAndTheDaemonWaitsForTheCLI() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                let config = try workspace.writeConfig(projects: [("alpha", alpha)], extra: telegram.configSection(allowing: Self.owner))
                let environment = workspace.userEnvironment
                workspace.fake.script("slow phone work", [.slowMessage("phone work done", delay: .seconds(120))])
                workspace.fake.script("terminal while busy", [.message("terminal done")])
                workspace.fake.script("slow terminal work", [.slowMessage("terminal work done", delay: .seconds(15))])
                workspace.fake.script("phone while busy", [.message("phone done")])

                _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: environment) { daemon in
                    telegram.sendMessage(from: Self.owner, text: "/project alpha")
                    try await telegram.waitForMessages(to: Self.owner, count: 1)

                    // 1. The daemon runs Codex in alpha: `run` is refused at once, naming what runs.
                    telegram.sendMessage(from: Self.owner, text: "slow phone work")
                    await workspace.fake.waitForRequests(1)
                    let refused = try await CompanionProcess.run(
                        ["run", "--config", config, "alpha", "terminal while busy"],
                        environment: environment)
                    #expect(refused.exitCode == 1)
                    #expect(
                        refused.stderr.contains("Not run: alpha is busy with \"slow phone work\" (started from Telegram)."),
                        "\(refused.stderr)")
                    #expect(refused.stderr.contains("--queue"))
                    #expect(workspace.fake.requests.count == 1)

                    // 2. With --queue it waits for the daemon's task and then runs: here once the phone cancels it.
                    async let waiting = CompanionProcess.run(
                        ["run", "--queue", "--config", config, "alpha", "terminal while busy"],
                        environment: environment)
                    try await Self.waitUntilQueued(from: .cli, in: workspace)
                    #expect(workspace.fake.requests.count == 1)
                    telegram.sendMessage(from: Self.owner, text: "/cancel")
                    let queued = try await waiting
                    #expect(queued.exitCode == 0, "\(queued.stdout)\n\(queued.stderr)")
                    #expect(queued.stdout.contains("waiting: alpha is busy with \"slow phone work\" (started from Telegram)"))
                    #expect(queued.stdout.contains("terminal done"))
                    _ = try await telegram.waitForMessage(to: Self.owner, "with the phone's result") { $0.hasPrefix("⏹ Cancelled · alpha") }
                    // The model saw the two turns one after the other, never side by side.
                    #expect(
                        workspace.fake.requests.map { $0.userPrompts.last ?? "" }.suffix(2) == ["slow phone work", "terminal while busy"])

                    // 3. The other way round: while `run` holds alpha, the phone's message is queued and runs after.
                    async let terminal = CompanionProcess.run(
                        ["run", "--config", config, "alpha", "slow terminal work"],
                        environment: environment)
                    await workspace.fake.waitForRequests(3)
                    let before = telegram.messages(to: Self.owner).count
                    telegram.sendMessage(from: Self.owner, text: "phone while busy")
                    let notice = try await telegram.waitForMessages(to: Self.owner, count: before + 1).last
                    #expect(
                        notice?.text
                            == "Queued (#1 in line): alpha is busy with \"slow terminal work\" (started from the terminal). It starts by itself; /cancel queued drops it."
                    )
                    telegram.sendMessage(from: Self.owner, text: "/status")
                    let status = try await telegram.waitForMessage(to: Self.owner, "with the status") { $0.hasPrefix("Project: alpha") }
                    #expect(status.text.contains("(started from the terminal): \"slow terminal work\""), "\(status.text)")
                    #expect(try await terminal.exitCode == 0)
                    _ = try await telegram.waitForMessage(to: Self.owner, "with the queued result") { $0.contains("phone done") }
                    #expect(workspace.fake.requests.count == 4)
                    try daemon.send(signal: .terminate)
                }
            }
        }
    }

    /// Watches the shared database (another process writes it) until a task of `requester` waits in line.
    static func waitUntilQueued(from requester: Requester, in workspace: CodexWorkspace, timeout: Duration = .seconds(60)) async throws {
        let database = try AppDatabase(path: workspace.stateDirectory + "/companion.sqlite")
        let deadline = ContinuousClock.now + timeout
        while try await !database.queuedTasks().contains(where: { $0.requester == requester }) {
            guard ContinuousClock.now < deadline else { throw TestSupportError("no task of \(requester) was ever queued") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
