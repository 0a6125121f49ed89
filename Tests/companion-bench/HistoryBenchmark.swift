import Foundation
import Subprocess
import TestSupport

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A Codex home with years of history: `sessions` rollout files over three years in 50 other
/// repositories, totalling the requested size, and one session of the repository `old` that is the
/// oldest of all (the worst case for a lookup that scans newest first), in one rollout format: Codex
/// 0.147's (`legacy`) or 0.151+'s (`paginated`, about 48 KB of instructions before each first prompt).
/// Generated once and kept in `~/.codex-companion-bench/` for later runs.
enum HistoryBenchmark {
    struct History {
        var codexHome: String
        var oldRepository: String
        var sessions: Int
        var bytes: Int64
        var format: RolloutFixture.Format
    }

    /// The thread id of the repository `old`'s only session.
    static let oldestThreadID = "00000000-0000-7000-8000-000000000000"

    static func prepare(
        sessions: Int, gigabytes: Double, format: RolloutFixture.Format, workspace: CodexWorkspace
    ) throws -> History {
        // The legacy history keeps the folder name it had before there were two formats.
        let name = format == .legacy ? "history" : "history-\(format.rawValue)"
        let root = NSHomeDirectory() + "/.codex-companion-bench/\(name)-\(sessions)-\(gigabytes)"
        let home = root + "/codex-home"
        let oldRepository = root + "/repos/old"
        let marker = root + "/complete"
        let perFile = Int(gigabytes * 1e9) / max(1, sessions)
        if !FileManager.default.fileExists(atPath: marker) {
            print("generating the \(format.rawValue) history (once): \(sessions) sessions, \(gigabytes) GB in \(root)…")
            try? FileManager.default.removeItem(atPath: root)
            try FileManager.default.createDirectory(atPath: oldRepository + "/.git", withIntermediateDirectories: true)
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            for index in 0..<sessions {
                let day = index * 1095 / max(1, sessions)
                let date = start.addingTimeInterval(Double(day) * 86400 + Double(index))
                let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
                let cwd = index == 0 ? oldRepository : root + "/repos/other-\(index % 50)"
                try RolloutFixture.write(
                    .init(
                        id: index == 0 ? oldestThreadID : UUID().uuidString.lowercased(), cwd: cwd,
                        prompt: "task \(index)", day: (parts.year!, parts.month!, parts.day!), format: format,
                        bulkBytes: perFile), codexHome: home, modifiedAt: date)
            }
            FileManager.default.createFile(atPath: marker, contents: Data())
        }
        try workspace.writeCodexConfig(into: home)
        let bytes = (FileManager.default.enumerator(atPath: home + "/sessions")?.allObjects as? [String] ?? []).reduce(Int64(0)) {
            total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: home + "/sessions/" + name)[.size] as? NSNumber)?.int64Value ?? 0)
        }
        return History(codexHome: home, oldRepository: oldRepository, sessions: sessions, bytes: bytes, format: format)
    }

    /// `codex-companion sessions old`, whole process: the first run ever (empty index) and after that.
    static func lookup(_ history: History, executable: String, workspace: CodexWorkspace) async throws {
        let config = workspace.root + "/history-config-\(history.format.rawValue).json"
        let state = workspace.root + "/history-state-\(history.format.rawValue)"
        try JSONSerialization.data(withJSONObject: ["projects": [["name": "old", "repo_path": history.oldRepository]], "state_dir": state])
            .write(to: URL(fileURLWithPath: config))
        func run() async throws -> (Double, String) {
            let start = ContinuousClock.now
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: ["sessions", "--config", config, "old"],
                environment: .inherit.updating(["CODEX_HOME": history.codexHome]), output: .string(limit: 1 << 20), error: .discarded)
            return (seconds(since: start), result.standardOutput)
        }
        let (cold, output) = try await run()
        guard output.contains(oldestThreadID) else {
            print("lookup failed: the oldest session was not found: \(output.prefix(300))")
            return
        }
        // Timed either way, but said when the listing is wrong: the oldest session with its first prompt
        // and, in today's format, as a terminal session.
        let expected = history.format == .legacy ? "\"task 0\"" : "terminal  \"task 0\""
        if !output.contains(expected) { print("the oldest session is listed wrong (expected \(expected)): \(output.prefix(300))") }
        var warm: [Double] = []
        for _ in 0..<5 { warm.append(try await run().0) }
        let size = String(format: "%.2f GB", Double(history.bytes) / 1e9)
        print(
            String(
                format: "sessions <project> (%@ format, %d sessions, %@, its session the oldest): first run %.0f ms, then median %.0f ms",
                history.format.rawValue, history.sessions, size, cold * 1000, median(warm) * 1000))
    }
}
