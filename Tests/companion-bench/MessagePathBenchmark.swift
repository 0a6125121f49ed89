import Foundation
import GRDB
import Store
import Subprocess
import TestSupport

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The message path with the large history and 100,000 tasks in the store: start-up to the first
/// getUpdates, update → codex started and codex exited → answer sent (per task), /status and /last,
/// the daemon's memory after the tasks, and codex alone for the ratio.
enum MessagePathBenchmark {
    static let owner: Int64 = 1

    static func run(
        tasks: Int, codex: String, executable: String, history: HistoryBenchmark.History,
        workspace: CodexWorkspace, telegram: FakeTelegramServer
    ) async throws {
        let repo = try await workspace.makeRepository("bench")
        // A wrapper that notes (with bash's clock, no extra process) when codex starts and exits.
        let marks = workspace.root + "/marks.log"
        let wrapper = workspace.root + "/codex-timed"
        try """
        #!/bin/bash
        echo "start $EPOCHREALTIME" >> '\(marks)'
        '\(codex)' "$@"
        code=$?
        echo "exit $EPOCHREALTIME" >> '\(marks)'
        exit $code
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        let config = try workspace.writeConfig(
            projects: [("bench", repo)], codexBinary: wrapper, extra: telegram.configSection(allowing: owner))
        try await fillStore(path: workspace.stateDirectory + "/companion.sqlite", tasks: 100_000)
        let database = try AppDatabase(path: workspace.stateDirectory + "/companion.sqlite")
        var writes: [Double] = []
        for id in 1...200 {
            let start = ContinuousClock.now
            try await database.markTaskDelivered(id: Int64(id), at: Date())
            writes.append(seconds(since: start))
        }
        print(
            String(
                format: "one SQLite write (a task's delivery mark): median %.2f ms, p90 %.2f ms", median(writes) * 1000, p90(writes) * 1000)
        )
        // Codex indexes a Codex home it has not seen (its own state database) on its first start there.
        let warmUp = try await codexAlone(codex: codex, repo: repo, codexHome: history.codexHome, runs: 1)
        print(String(format: "codex's first start in this history (codex indexing it for itself): %.1f s", warmUp[0]))

        let launched = ContinuousClock.now
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: ["serve", "--config", config],
            environment: .inherit.updating([
                "TELEGRAM_BOT_TOKEN": telegram.token, "CODEX_COMPANION_LOG_LEVEL": "error",
                "CODEX_HOME": history.codexHome,
            ]),
            input: .none, output: .discarded, error: .discarded
        ) { execution -> Measures in
            var measures = Measures()
            // The fake Bot API served the earlier parts of the benchmark too: only this daemon's calls count.
            let ours: @Sendable ((method: String, at: ContinuousClock.Instant)) -> Bool = { $0.method == "getUpdates" && $0.at >= launched }
            try await telegram.waitUntil("the first getUpdates") { $0.callTimes.contains(where: ours) }
            if let first = telegram.callTimes.first(where: ours) {
                measures.startup =
                    Double((first.at - launched).components.attoseconds) / 1e18 + Double((first.at - launched).components.seconds)
            }
            telegram.sendMessage(from: owner, text: "/project bench")
            try await telegram.waitForMessages(to: owner, count: 1)
            for index in 0..<tasks {
                let sentAt = Date()
                telegram.sendMessage(from: owner, text: "benchmark task \(index)")
                let isCard: @Sendable (FakeTelegramServer.SentMessage) -> Bool = { $0.text.hasPrefix("✅ Done") || $0.text.hasPrefix("❌") }
                try await telegram.waitUntil(timeout: .seconds(120), "result \(index)") {
                    $0.messages(to: owner).filter(isCard).count > index
                }
                guard let card = telegram.messages(to: owner).last(where: isCard) else { continue }
                let stamps = ((try? String(contentsOfFile: marks, encoding: .utf8)) ?? "").split(separator: "\n").suffix(2)
                    .compactMap { Double($0.split(separator: " ").last ?? "") }
                guard stamps.count == 2 else { continue }
                measures.toStart.append(stamps[0] - sentAt.timeIntervalSince1970)
                measures.toResult.append(card.receivedAt.timeIntervalSince1970 - stamps[1])
                measures.codexInside.append(stamps[1] - stamps[0])
                if index == 9 { measures.memoryAfterTen = MemoryReport.read(pid: execution.processIdentifier.value) }
            }
            measures.memoryAtEnd = MemoryReport.read(pid: execution.processIdentifier.value)
            for command in ["/status", "/last"] {
                var times: [Double] = []
                for _ in 0..<20 {
                    let before = telegram.messages(to: owner).count
                    let sentAt = Date()
                    telegram.sendMessage(from: owner, text: command)
                    let reply = try await telegram.waitForMessages(to: owner, count: before + 1)
                    times.append(reply[before].receivedAt.timeIntervalSince(sentAt))
                }
                measures.commands[command] = times
            }
            try execution.send(signal: .terminate)
            return measures
        }
        let measures = result.closureResult
        let alone = try await codexAlone(codex: codex, repo: repo, codexHome: history.codexHome, runs: 10)
        report(measures, codexAlone: alone)
    }

    struct Measures: Sendable {
        var startup: Double?
        var toStart: [Double] = []
        var toResult: [Double] = []
        var codexInside: [Double] = []
        var memoryAfterTen: MemoryReport?
        var memoryAtEnd: MemoryReport?
        var commands: [String: [Double]] = [:]
    }

    static func report(_ measures: Measures, codexAlone: [Double]) {
        if let startup = measures.startup {
            print(String(format: "start-up → first getUpdates: %.0f ms", startup * 1000))
        }
        print(
            String(
                format: "update received → codex process started: median %.1f ms, p90 %.1f ms",
                median(measures.toStart) * 1000, p90(measures.toStart) * 1000))
        print(
            String(
                format: "codex exited → result card sent:       median %.1f ms, p90 %.1f ms",
                median(measures.toResult) * 1000, p90(measures.toResult) * 1000))
        let own = median(measures.toStart) + median(measures.toResult)
        print(
            String(
                format: "codex alone (codex exec, same instant model): median %.0f ms; the companion adds %.1f ms (%.1f%%)",
                median(codexAlone) * 1000, own * 1000, own / median(codexAlone) * 100))
        for command in ["/status", "/last"] {
            let times = measures.commands[command] ?? []
            print(
                String(
                    format: "%@ with 100,000 tasks in the store: median %.1f ms, p90 %.1f ms (update → reply)",
                    command, median(times) * 1000, p90(times) * 1000))
        }
        if let memory = measures.memoryAfterTen {
            print(String(format: "daemon memory after 10 tasks: RSS %.1f MiB, peak %.1f MiB", memory.rssMiB, memory.peakMiB))
            print(
                "  where it goes: " + memory.largest.map { String(format: "%@ %.1f", $0.name, $0.mib) }.joined(separator: ", ") + " (MiB)")
        } else {
            print("daemon memory: not available on this system (needs /proc)")
        }
        if let memory = measures.memoryAtEnd {
            print(
                String(
                    format: "daemon memory after %d tasks: RSS %.1f MiB, peak %.1f MiB", measures.toStart.count, memory.rssMiB,
                    memory.peakMiB))
        }
    }

    /// The same prompt through `codex exec` directly, as often as asked: the time codex itself needs.
    static func codexAlone(codex: String, repo: String, codexHome: String, runs: Int) async throws -> [Double] {
        var times: [Double] = []
        for index in 0..<runs {
            let start = ContinuousClock.now
            _ = try await Subprocess.run(
                .path(FilePath(codex)), arguments: ["exec", "--json", "-s", "workspace-write", "-"],
                environment: .inherit.updating(["CODEX_HOME": codexHome]), workingDirectory: FilePath(repo),
                input: .string("codex alone \(index)"), output: .discarded, error: .discarded)
            times.append(seconds(since: start))
        }
        return times
    }

    /// 100,000 finished, delivered tasks, as a long-time user's store holds.
    static func fillStore(path: String, tasks: Int) async throws {
        _ = try AppDatabase(path: path)  // the schema
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO tasks (chat_id, requester, project_name, prompt, mode, status, thread_id, started_at, ended_at,
                        final_message, delivered_at, session_kind)
                    VALUES (?, 'telegram:1', ?, ?, 'continue', 'done', ?, ?, ?, 'An earlier answer.', ?, 'continued')
                    """)
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            for index in 0..<tasks {
                let at = start.addingTimeInterval(Double(index) * 60)
                try statement.execute(arguments: [
                    owner, index % 10 == 0 ? "bench" : "other\(index % 7)", "earlier task \(index)",
                    "thread-\(index % 500)", at, at.addingTimeInterval(30), at.addingTimeInterval(31),
                ])
            }
        }
        try queue.close()
    }
}
