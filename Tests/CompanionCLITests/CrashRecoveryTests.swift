import Foundation
import Store
import Subprocess
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pull the plug: the daemon is killed with SIGKILL at bad moments and started again. Every message is
/// answered exactly once, and every task is accounted for.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct CrashRecoveryTests {
    static let owner: Int64 = 31337

    func config(_ workspace: CodexWorkspace, _ telegram: FakeTelegramServer, engine: String? = nil) async throws -> String {
        let alpha = try await workspace.makeRepository("alpha")
        var extra = telegram.configSection(allowing: Self.owner)
        if let engine { extra["codex"] = ["engine": engine] }
        return try workspace.writeConfig(projects: [("alpha", alpha)], extra: extra)
    }

    @Test func killedWhileIdleNothingIsLostOrRepeated() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let config = try await config(workspace, telegram)
                let database = try AppDatabase(path: workspace.stateDirectory + "/companion.sqlite")
                let first = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.userEnvironment)
                { process in
                    telegram.sendMessage(from: Self.owner, text: "/project alpha")
                    try await telegram.waitForMessages(to: Self.owner, count: 1)
                    // Idle = the update is recorded as handled. (Between a reply's delivery and that record
                    // there are a few milliseconds in which a kill means the reply is sent again.)
                    try await Self.waitUntilAllHandled(database)
                    try process.send(signal: .kill)
                }
                #expect(first.output.exitCode == 128 + 9)
                // Sent while the daemon is dead.
                telegram.sendMessage(from: Self.owner, text: "/status")
                _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.userEnvironment) {
                    process in
                    try await telegram.waitForMessages(to: Self.owner, count: 2)
                    // One more round trip proves nothing else was going to be sent.
                    telegram.sendMessage(from: Self.owner, text: "/last")
                    try await telegram.waitForMessages(to: Self.owner, count: 3)
                    try process.send(signal: .terminate)
                }
                let texts = telegram.messages(to: Self.owner).map(\.text)
                #expect(texts.count == 3)
                #expect(texts[0].hasPrefix("Active project: alpha."))
                #expect(texts[1].contains("Project: alpha"))
                #expect(texts[2] == "No task has run in alpha yet.")

                let audit = try await CompanionProcess.run(
                    ["audit", "--config", config, "--last", "10"], environment: workspace.userEnvironment)
                #expect(audit.exitCode == 0)
                #expect(audit.stdout.contains("project"))
                #expect(audit.stdout.contains("status"))
                #expect(audit.stdout.contains("\(Self.owner)"))
            }
        }
    }

    /// Watches the daemon's database (a separate process writes it) until no update is left unhandled.
    static func waitUntilAllHandled(_ database: AppDatabase, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !database.unhandledUpdates().isEmpty {
            guard ContinuousClock.now < deadline else { throw TestSupportError("updates were never marked handled") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Watches the daemon's database until the task's progress message is recorded (the kill must come after).
    static func waitUntilProgressRecorded(_ database: AppDatabase, messageID: Int64, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await database.runningTasks().first?.progressMessageID != messageID {
            guard ContinuousClock.now < deadline else { throw TestSupportError("the progress message was never recorded") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// On exec, a killed daemon leaves its codex running (nothing ties it to the daemon): the restart stops it.
    /// (An app-server child exits with its daemon: see the approval test below.)
    @Test func killedWhileATaskRunsTheUserIsToldItWasInterrupted() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let config = try await config(workspace, telegram, engine: "exec")
                workspace.fake.script("big refactor", [.slowMessage("never seen", delay: .seconds(60))])
                let progressID = try await CompanionProcess.serve(
                    config: config, token: telegram.token, environment: workspace.userEnvironment
                ) {
                    process in
                    telegram.sendMessage(from: Self.owner, text: "/project alpha")
                    telegram.sendMessage(from: Self.owner, text: "big refactor please")
                    let progress = try await telegram.waitForMessage(to: Self.owner, "acknowledging the task") { $0.hasPrefix("⏳ alpha") }
                    await workspace.fake.waitForRequests(1)
                    try await Self.waitUntilProgressRecorded(
                        try AppDatabase(path: workspace.stateDirectory + "/companion.sqlite"), messageID: progress.messageID)
                    try process.send(signal: .kill)
                    return progress.messageID
                }.value
                // The killed daemon left its Codex process behind; the restart must stop it.
                let database = try AppDatabase(path: workspace.stateDirectory + "/companion.sqlite")
                let orphan = try #require(try await database.runningTasks().first?.codexPID)
                #expect(kill(orphan, 0) == 0)
                _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.userEnvironment) {
                    process in
                    let notice = try await telegram.waitForMessage(to: Self.owner, "about the interruption") { $0.contains("Interrupted") }
                    #expect(notice.text.contains("\"big refactor please\""))
                    #expect(notice.text.contains("send the prompt again"))
                    // The progress message the crash left showing "⏳" is made final, before the notice.
                    #expect(
                        telegram.currentText(of: progressID)?.hasPrefix("⚠️ Interrupted · alpha") == true,
                        "\(telegram.currentText(of: progressID) ?? "")")
                    telegram.sendMessage(from: Self.owner, text: "/status")
                    let status = try await telegram.waitForMessage(to: Self.owner, "with the status") { $0.hasPrefix("Project:") }
                    #expect(status.text.contains("Idle"))
                    try process.send(signal: .terminate)
                }
                #expect(kill(orphan, 0) != 0, "the orphaned codex process \(orphan) is still running")
                let last = try await CompanionProcess.run(["last", "--config", config, "alpha"], environment: workspace.userEnvironment)
                #expect(last.stdout.contains("Interrupted"))
                #expect(telegram.messages(to: Self.owner).filter { $0.text.contains("Interrupted") }.count == 1)
                // The prompt never ran twice.
                #expect(workspace.fake.requests.filter { $0.userPrompts.last == "big refactor please" }.count == 1)
            }
        }
    }

    @Test func killedWhileAnApprovalWaitsTheUserIsToldAndTheButtonsExpire() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let config = try await config(workspace, telegram, engine: "app-server")
                workspace.fake.script(
                    "risky", [.escalatedShell("echo yes > marker.txt", justification: "Write a marker"), .message("unseen")])
                let (asked, _) = try await CompanionProcess.serve(
                    config: config, token: telegram.token, environment: workspace.userEnvironment
                ) {
                    process in
                    telegram.sendMessage(from: Self.owner, text: "/project alpha")
                    telegram.sendMessage(from: Self.owner, text: "do the risky thing")
                    let request = try await telegram.waitForMessage(to: Self.owner, "asking for approval") { $0.hasPrefix("🔐") }
                    try process.send(signal: .kill)
                    return request
                }
                let database = try AppDatabase(path: workspace.stateDirectory + "/companion.sqlite")
                let codex = try #require(try await database.runningTasks().first?.codexPID)
                _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.userEnvironment) {
                    process in
                    let notice = try await telegram.waitForMessage(to: Self.owner, "about the interruption") { $0.contains("Interrupted") }
                    #expect(notice.text.contains("\"do the risky thing\""))
                    // A button from before the restart answers "expired" and runs nothing.
                    let approve = try #require(asked.buttons.flatMap { $0 }.first { $0.text == "✅ Approve" })
                    let query = telegram.sendCallbackQuery(
                        from: Self.owner, messageID: asked.messageID, chatID: Self.owner, data: approve.data)
                    try await telegram.waitUntil("the tap's answer") { $0.tapAnswers.contains { $0.queryID == query } }
                    #expect(telegram.tapAnswers.first { $0.queryID == query }?.text == "This request has expired.")
                    try process.send(signal: .terminate)
                }
                #expect(kill(codex, 0) != 0, "the app-server child \(codex) outlived its daemon")
                #expect(!FileManager.default.fileExists(atPath: workspace.root + "/repos/alpha/marker.txt"))
            }
        }
    }

    @Test func killedWhileAReplyWaitsOutA429TheReplyArrivesOnceAfterRestart() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let config = try await config(workspace, telegram)
                telegram.fail("sendMessage", times: 1, with: .status(429, description: "Too Many Requests: retry after 30", retryAfter: 30))
                _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.userEnvironment) {
                    process in
                    telegram.sendMessage(from: Self.owner, text: "/project alpha")
                    try await telegram.waitUntil("the rate-limited send") { $0.calls.contains("sendMessage") }
                    try process.send(signal: .kill)
                }
                #expect(telegram.messages(to: Self.owner).isEmpty)
                _ = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.userEnvironment) {
                    process in
                    try await telegram.waitForMessages(to: Self.owner, count: 1)
                    telegram.sendMessage(from: Self.owner, text: "/status")
                    try await telegram.waitForMessages(to: Self.owner, count: 2)
                    try process.send(signal: .terminate)
                }
                let texts = telegram.messages(to: Self.owner).map(\.text)
                #expect(texts.filter { $0.hasPrefix("Active project: alpha.") }.count == 1)
                #expect(texts.count == 2)
            }
        }
    }

    @Test func aSecondDaemonOnTheSameStateIsRefused() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let config = try await config(workspace, telegram)
                let second = try await CompanionProcess.serve(config: config, token: telegram.token, environment: workspace.userEnvironment)
                { process in
                    try await telegram.waitUntil("the first daemon to poll") { $0.calls.contains("getUpdates") }
                    let second = try await CompanionProcess.run(
                        ["serve", "--config", config],
                        environment: workspace.userEnvironment.merging(["TELEGRAM_BOT_TOKEN": telegram.token]) { $1 })
                    try process.send(signal: .terminate)
                    return second
                }
                #expect(second.value.exitCode == 1)
                #expect(second.value.stderr.contains("Another codex-companion serve is already running with this state directory (pid"))
                #expect(second.output.exitCode == 0)
            }
        }
    }
}
