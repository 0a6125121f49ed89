import Foundation
import Subprocess
import TestSupport

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The ways a turn runs, side by side, with the real `codex-companion serve`, the real codex and an
/// instant model (the fake Responses server answers at once): update → the model's request, the model's
/// answer → the result card, and the whole task end to end. The difference is what each way costs on top
/// of the model: starting `codex exec`, starting `codex app-server` and talking JSON-RPC to it, or (on a
/// Codex with a daemon, 0.151+) joining Codex's running daemon over its socket, with no process started.
enum EngineBenchmark {
    static let owner: Int64 = 2

    static func run(tasks: Int, workspace: CodexWorkspace, telegram: FakeTelegramServer, executable: String) async throws {
        print("engines side by side (\(tasks) tasks each, instant model, small history):")
        print("  keep-warm: not offered (the app-server child ends with each turn so the terminal can resume; see the README)")
        var rows: [(String, Measures)] = []
        for engine in ["exec", "app-server"] {
            rows.append(
                (engine, try await measure(engine: engine, tasks: tasks, workspace: workspace, telegram: telegram, executable: executable)))
        }
        if CodexDaemonControl.isSupported {
            // The daemon a terminal `codex` leaves behind: every turn goes through it, whatever the engine.
            try await CodexDaemonControl.start(codexHome: workspace.codexHome)
            let measures = try? await measure(
                engine: "app-server", tasks: tasks, workspace: workspace, telegram: telegram, executable: executable, label: "daemon")
            await CodexDaemonControl.stop(codexHome: workspace.codexHome)
            if let measures { rows.append(("daemon", measures)) }
        } else {
            print("  daemon: this codex has none (Codex 0.151+; CODEX_BINARY picks another codex)")
        }
        print("  engine       update → model request   model answered → card   end to end")
        for (engine, measures) in rows {
            print(
                "  " + engine.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + String(
                        format: "  median %6.1f ms p90 %6.1f   median %6.1f ms p90 %6.1f   median %6.0f ms p90 %6.0f",
                        median(measures.toModel) * 1000, p90(measures.toModel) * 1000,
                        median(measures.toCard) * 1000, p90(measures.toCard) * 1000,
                        median(measures.endToEnd) * 1000, p90(measures.endToEnd) * 1000))
        }
    }

    struct Measures: Sendable {
        var toModel: [Double] = []
        var toCard: [Double] = []
        var endToEnd: [Double] = []
    }

    static func measure(
        engine: String, tasks: Int, workspace: CodexWorkspace, telegram: FakeTelegramServer, executable: String,
        label: String? = nil
    ) async throws -> Measures {
        let name = label ?? engine
        let repo = try await workspace.makeRepository("engine-\(name)")
        let state = workspace.root + "/state-\(name)"
        var extra = telegram.configSection(allowing: owner)
        extra["codex"] = ["engine": engine]
        extra["state_dir"] = state
        let config = try workspace.writeConfig(projects: [("bench", repo)], extra: extra)
        let fake = workspace.fake
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: ["serve", "--config", config],
            // The user's shell: the codex under test first on PATH, its CODEX_HOME.
            environment: .inherit.updating([
                "TELEGRAM_BOT_TOKEN": telegram.token, "CODEX_COMPANION_LOG_LEVEL": "error", "CODEX_HOME": workspace.codexHome,
                "PATH": workspace.userEnvironment["PATH"],
            ]),
            input: .none, output: .discarded, error: .discarded
        ) { execution -> Measures in
            var measures = Measures()
            let before = telegram.messages(to: owner).count
            telegram.sendMessage(from: owner, text: "/project bench")
            try await telegram.waitForMessages(to: owner, count: before + 1)
            let isCard: @Sendable (FakeTelegramServer.SentMessage) -> Bool = { $0.text.hasPrefix("✅ Done") || $0.text.hasPrefix("❌") }
            let cardsBefore = telegram.messages(to: owner).filter(isCard).count
            for index in 0..<tasks {
                let requestsBefore = fake.requests.count
                let sentAt = ContinuousClock.now
                // The first task starts a session; the others continue it, as a user's messages do.
                telegram.sendMessage(from: owner, text: index == 0 ? "/new engine task \(index)" : "engine task \(index)")
                await fake.waitForRequests(requestsBefore + 1)
                let modelAt = ContinuousClock.now
                try await telegram.waitUntil(timeout: .seconds(120), "result \(index)") {
                    $0.messages(to: owner).filter(isCard).count > cardsBefore + index
                }
                let cardAt = ContinuousClock.now
                measures.toModel.append(seconds(between: sentAt, modelAt))
                measures.toCard.append(seconds(between: modelAt, cardAt))
                measures.endToEnd.append(seconds(between: sentAt, cardAt))
            }
            try execution.send(signal: .terminate)
            return measures
        }
        return result.closureResult
    }

    static func seconds(between start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) -> Double {
        let elapsed = end - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
