import CodexAdapter
import CompanionCore
import Foundation
import TestSupport
import Testing

/// The end of desk turns read from the session files when no daemon runs, in both rollout formats: the
/// first look only notes where files end, new and resumed sessions of configured repositories are told
/// once each, other folders never, a line still being written waits, and a repository the companion just
/// worked in is passed over.
@Suite struct DeskFileWatcherTests {
    let root = NSHomeDirectory() + "/.codex-companion-tests/desk-" + UUID().uuidString.prefix(8).lowercased()
    var codexHome: String { root + "/codex" }
    var alpha: String { root + "/alpha" }
    var other: String { root + "/other" }

    init() throws {
        for folder in [codexHome, alpha, other] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    func watcher() -> DeskFileWatcher { DeskFileWatcher(codexHome: codexHome, repositories: [alpha]) }

    func answers(_ turns: [DeskTurn]) -> [String?] { turns.map(\.record.finalMessage) }

    @Test(arguments: RolloutFixture.Format.allCases)
    func turnsThatEndAfterTheFirstLookAreToldOnce(format: RolloutFixture.Format) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let before = try RolloutFixture.write(.init(cwd: alpha, prompt: "before", day: (2026, 12, 7), format: format), codexHome: codexHome)
        let files = watcher()
        #expect(files.look().isEmpty)

        try RolloutFixture.write(
            .init(id: "new-desk", cwd: alpha, prompt: "new work", day: (2026, 12, 8), format: format), codexHome: codexHome)
        try RolloutFixture.write(.init(cwd: other, prompt: "elsewhere", day: (2026, 12, 8), format: format), codexHome: codexHome)
        let first = files.look()
        #expect(answers(first) == ["done: new work"])
        #expect(first.first?.threadID == "new-desk")
        #expect(first.first?.repoPath == DeskWatcher.resolved(alpha))
        #expect(first.first?.record.completed == true)
        #expect(files.look().isEmpty)

        // A resumed session grows its file; a half-written line waits for its end.
        try RolloutFixture.appendTurn(to: before, cwd: alpha, prompt: "resumed", format: format)
        let end = RolloutFixture.line("event_msg", ["type": "task_complete", "turn_id": "t", "last_agent_message": "half then whole"])
        try RolloutFixture.append(String(end.prefix(40)), to: before)
        #expect(answers(files.look()) == ["done: resumed"])
        #expect(files.look().isEmpty)
        try RolloutFixture.append(String(end.dropFirst(40)), to: before)
        #expect(answers(files.look()) == ["half then whole"])
        #expect(files.look().isEmpty)
        // A turn stopped before its end is not told (a Codex left behind by a crash and stopped makes one).
        try RolloutFixture.append(RolloutFixture.line("event_msg", ["type": "turn_aborted", "reason": "interrupted"]), to: before)
        #expect(files.look().isEmpty)
    }

    @Test func aRepositoryTheCompanionWorkedInIsPassedOver() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = try RolloutFixture.write(.init(cwd: alpha, prompt: "one", day: (2026, 12, 8)), codexHome: codexHome)
        let files = watcher()
        #expect(files.look().isEmpty)
        try RolloutFixture.appendTurn(to: path, cwd: alpha, prompt: "the phone's own")
        #expect(files.look(skipping: [DeskWatcher.resolved(alpha)]).isEmpty)
        try RolloutFixture.appendTurn(to: path, cwd: alpha, prompt: "the desk's")
        #expect(answers(files.look()) == ["done: the desk's"])
        // After the daemon followed the desk, what the files gained meanwhile is not told again.
        try RolloutFixture.appendTurn(to: path, cwd: alpha, prompt: "seen through the daemon")
        files.startOver()
        #expect(files.look().isEmpty)
    }
}
