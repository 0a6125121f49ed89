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
/// oldest of all (the worst case for a lookup that scans newest first). Generated once and kept in
/// `~/.codex-companion-bench/` for later runs.
enum HistoryBenchmark {
    struct History {
        var codexHome: String
        var oldRepository: String
        var sessions: Int
        var bytes: Int64
    }

    static func prepare(sessions: Int, gigabytes: Double, workspace: CodexWorkspace) throws -> History {
        let root = NSHomeDirectory() + "/.codex-companion-bench/history-\(sessions)-\(gigabytes)"
        let home = root + "/codex-home"
        let oldRepository = root + "/repos/old"
        let marker = root + "/complete"
        let perFile = Int(gigabytes * 1e9) / max(1, sessions)
        if !FileManager.default.fileExists(atPath: marker) {
            print("generating the history (once): \(sessions) sessions, \(gigabytes) GB in \(root)…")
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
                        cwd: cwd, prompt: "task \(index)", day: (parts.year!, parts.month!, parts.day!),
                        bulkBytes: perFile), codexHome: home, modifiedAt: date)
            }
            FileManager.default.createFile(atPath: marker, contents: Data())
        }
        try workspace.writeCodexConfig(into: home)
        let bytes = (FileManager.default.enumerator(atPath: home + "/sessions")?.allObjects as? [String] ?? []).reduce(Int64(0)) {
            total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: home + "/sessions/" + name)[.size] as? NSNumber)?.int64Value ?? 0)
        }
        return History(codexHome: home, oldRepository: oldRepository, sessions: sessions, bytes: bytes)
    }

    /// `codex-companion sessions old`, whole process: the first run ever (empty index) and after that.
    static func lookup(_ history: History, executable: String, workspace: CodexWorkspace) async throws {
        let config = workspace.root + "/history-config.json"
        let state = workspace.root + "/history-state"
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
        guard output.contains("\"task 0\"") else {
            print("lookup failed: the oldest session was not found: \(output.prefix(300))")
            return
        }
        var warm: [Double] = []
        for _ in 0..<5 { warm.append(try await run().0) }
        let size = String(format: "%.2f GB", Double(history.bytes) / 1e9)
        print(
            String(
                format: "sessions <project> (%d sessions, %@, its session the oldest): first run %.0f ms, then median %.0f ms",
                history.sessions, size, cold * 1000, median(warm) * 1000))
    }
}
