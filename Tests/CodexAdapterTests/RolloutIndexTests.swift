import CodexAdapter
import CompanionCore
import Foundation
import Store
import TestSupport
import Testing

/// The session index on rollout files written like Codex's (no codex needed): it reads only what changed,
/// and the latest session of a repository always wins, wherever its file lives.
@Suite struct RolloutIndexTests {
    final class Home {
        let root = NSHomeDirectory() + "/.codex-companion-tests/index-" + UUID().uuidString.prefix(8).lowercased()
        var codexHome: String { root + "/codex" }
        let database: AppDatabase

        init() throws {
            try FileManager.default.createDirectory(atPath: root + "/codex", withIntermediateDirectories: true)
            database = try AppDatabase.inMemory()
        }

        /// A new process's index; `fullRefreshAge: 0` makes it refresh fully before its first lookup.
        func index(fullRefreshAge: TimeInterval = 0) -> RolloutIndex {
            RolloutIndex(codexHome: codexHome, index: database, fullRefreshAge: fullRefreshAge)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    let alpha = "/code/alpha"
    let now = Date()

    @Test func findsTheLatestSessionOfARepositoryWithItsFirstPromptAndUsage() async throws {
        let home = try Home()
        try RolloutFixture.write(
            .init(id: "old-alpha", cwd: alpha, prompt: "old work", day: (2025, 3, 1)), codexHome: home.codexHome,
            modifiedAt: now.addingTimeInterval(-86400 * 30))
        try RolloutFixture.write(
            .init(id: "new-alpha", cwd: alpha, prompt: "new work", day: (2026, 1, 15), bulkBytes: 300_000),
            codexHome: home.codexHome, modifiedAt: now.addingTimeInterval(-60))
        try RolloutFixture.write(
            .init(id: "beta", cwd: "/code/beta", prompt: "beta work", day: (2026, 1, 15)), codexHome: home.codexHome,
            modifiedAt: now)
        let sessions = try await home.index().sessions(inRepository: alpha, limit: 10)
        #expect(sessions.map(\.id) == ["new-alpha", "old-alpha"])
        #expect(sessions.first?.firstPrompt == "new work")
        #expect(sessions.first?.source == "cli")
        #expect(
            sessions.first?.cumulativeUsage
                == TokenUsage(inputTokens: 1000, cachedInputTokens: 200, outputTokens: 50, reasoningOutputTokens: 5))
        #expect(try await home.index().session(id: "beta")?.cwd == "/code/beta")
        #expect(try await home.index().sessionCount() == 3)
    }

    /// Today's terminal sessions (Codex 0.163's TUI, through its daemon: `"source": "vscode"`, no
    /// `user_message` line) are terminal sessions with their first prompt, beside older files.
    @Test func todaysSessionsAreListedWithTheirFirstPromptAndOrigin() async throws {
        let home = try Home()
        try RolloutFixture.write(
            .init(id: "tui", cwd: alpha, prompt: "from the terminal", format: .paginated), codexHome: home.codexHome,
            modifiedAt: now)
        try RolloutFixture.write(
            .init(id: "ide", cwd: alpha, prompt: "from the editor", format: .paginated, originator: "codex_vscode"),
            codexHome: home.codexHome, modifiedAt: now.addingTimeInterval(-60))
        try RolloutFixture.write(
            .init(id: "exec", cwd: alpha, prompt: "from exec", format: .paginated, source: "exec", originator: "codex_exec"),
            codexHome: home.codexHome, modifiedAt: now.addingTimeInterval(-120))
        try RolloutFixture.write(
            .init(id: "old-tui", cwd: alpha, prompt: "from 0.147", source: "cli"), codexHome: home.codexHome,
            modifiedAt: now.addingTimeInterval(-180))
        let sessions = try await home.index().sessions(inRepository: alpha, limit: 10)
        #expect(sessions.map(\.id) == ["tui", "ide", "exec", "old-tui"])
        #expect(sessions.map(\.firstPrompt) == ["from the terminal", "from the editor", "from exec", "from 0.147"])
        #expect(sessions.map(\.source) == ["cli", "vscode", "exec", "cli"])
        #expect(
            sessions.map { SessionText.label(SessionOrigin.of($0, firstRequester: nil)) } == ["terminal", "vscode", "exec", "terminal"])
        #expect(sessions.first?.cumulativeUsage?.inputTokens == 1000)
    }

    /// Rows an older reader wrote (a TUI session as "vscode" with no prompt) are read again once, even
    /// right after a full refresh; after that, only changed files are.
    @Test func rowsOfAnOlderReaderAreReadAgainOnce() async throws {
        let home = try Home()
        let path = try RolloutFixture.write(
            .init(id: "tui", cwd: alpha, prompt: "from the terminal", format: .paginated), codexHome: home.codexHome,
            modifiedAt: now)
        _ = try await home.index().sessions(inRepository: alpha, limit: 1)
        var row = try #require(try await home.database.indexedRollouts(paths: [path])[path])
        row.source = "vscode"
        row.firstPrompt = nil
        try await home.database.updateRollouts([row], removedPaths: [])
        try await home.database.setIndexFormat(codexHome: home.codexHome, 1)
        let index = home.index(fullRefreshAge: 300)
        let session = try #require(try await index.sessions(inRepository: alpha, limit: 1).first)
        #expect(session.source == "cli")
        #expect(session.firstPrompt == "from the terminal")
        #expect(try await home.database.indexFormat(codexHome: home.codexHome) == 2)
        // Current rows are trusted: a row changed behind the index's back is not read again.
        row.firstPrompt = "kept"
        try await home.database.updateRollouts([row], removedPaths: [])
        try await index.refreshAll()
        #expect(try await home.index().session(id: "tui")?.firstPrompt == "kept")
    }

    @Test(arguments: RolloutFixture.Format.allCases)
    func aResumedOldSessionWinsAndOnlyItsNewLinesAreRead(format: RolloutFixture.Format) async throws {
        let home = try Home()
        let old = try RolloutFixture.write(
            .init(id: "old", cwd: alpha, prompt: "first prompt", day: (2024, 12, 31), format: format), codexHome: home.codexHome,
            modifiedAt: now.addingTimeInterval(-86400 * 400))
        try RolloutFixture.write(
            .init(id: "recent", cwd: alpha, prompt: "recent", day: (2026, 1, 15), format: format), codexHome: home.codexHome,
            modifiedAt: now.addingTimeInterval(-3600))
        let index = home.index()
        #expect(try await index.sessions(inRepository: alpha, limit: 1).first?.id == "recent")
        let before = try #require(try await home.database.indexedRollouts(paths: [old])[old])
        // The terminal resumes the old session: its file (in an old day folder) grows.
        try RolloutFixture.appendTurn(to: old, cwd: alpha, prompt: "second prompt", format: format, modifiedAt: now)
        let latest = try #require(try await index.sessions(inRepository: alpha, limit: 1).first)
        #expect(latest.id == "old")
        #expect(latest.firstPrompt == "first prompt")
        #expect(latest.cumulativeUsage?.inputTokens == 2000)
        let after = try #require(try await home.database.indexedRollouts(paths: [old])[old])
        #expect(after.readOffset > before.readOffset)
        #expect(after.readOffset == after.size)
    }

    @Test func aTurnInAnotherDirectoryMovesTheSession() async throws {
        let home = try Home()
        let moved = try RolloutFixture.write(
            .init(id: "moved", cwd: "/code/beta", prompt: "p", day: (2026, 1, 10), laterCwd: alpha),
            codexHome: home.codexHome, modifiedAt: now.addingTimeInterval(-10))
        #expect(try await home.index().sessions(inRepository: alpha, limit: 5).map(\.id) == ["moved"])
        #expect(try await home.index().sessions(inRepository: "/code/beta", limit: 5).isEmpty)
        // Later it is resumed back in beta; a fresh process (a full refresh) sees the move.
        try RolloutFixture.appendTurn(to: moved, cwd: "/code/beta", prompt: "back", modifiedAt: now)
        #expect(try await home.index().sessions(inRepository: "/code/beta", limit: 5).map(\.id) == ["moved"])
        #expect(try await home.index().sessions(inRepository: alpha, limit: 5).isEmpty)
    }

    @Test func newSessionsInTodaysFolderAreSeenWithoutAFullRefresh() async throws {
        let home = try Home()
        try RolloutFixture.write(
            .init(id: "first", cwd: alpha, prompt: "p", day: (2026, 1, 15)), codexHome: home.codexHome,
            modifiedAt: now.addingTimeInterval(-100))
        let index = home.index()
        #expect(try await index.sessions(inRepository: alpha, limit: 1).first?.id == "first")
        try RolloutFixture.write(
            .init(id: "second", cwd: alpha, prompt: "p2", day: (2026, 1, 16)), codexHome: home.codexHome, modifiedAt: now)
        #expect(try await index.sessions(inRepository: alpha, limit: 1).first?.id == "second")
    }

    @Test func deletedAndForeignFilesAreHandled() async throws {
        let home = try Home()
        let gone = try RolloutFixture.write(.init(id: "gone", cwd: alpha, prompt: "p", day: (2026, 1, 15)), codexHome: home.codexHome)
        let folder = (gone as NSString).deletingLastPathComponent
        try "not json\n".write(toFile: folder + "/rollout-2026-01-15T11-00-00-junk.jsonl", atomically: true, encoding: .utf8)
        // A session whose first line is still being written is not a session yet.
        try "{\"type\":\"session_meta\"".write(
            toFile: folder + "/rollout-2026-01-15T12-00-00-partial.jsonl", atomically: true, encoding: .utf8)
        #expect(try await home.index().sessions(inRepository: alpha, limit: 5).map(\.id) == ["gone"])
        try FileManager.default.removeItem(atPath: gone)
        #expect(try await home.index().sessions(inRepository: alpha, limit: 5).isEmpty)
        #expect(try await home.index().sessionCount() == 0)
    }

    /// A process started within minutes of a full refresh (the daemon's) trusts it and only looks where a
    /// newer session of its repository can be; the next full refresh sees the rest.
    @Test func aRecentFullRefreshIsNotRepeated() async throws {
        let home = try Home()
        try RolloutFixture.write(
            .init(id: "today", cwd: alpha, prompt: "p", day: (2026, 1, 15)), codexHome: home.codexHome, modifiedAt: now)
        try RolloutFixture.write(
            .init(id: "between", cwd: "/code/gamma", prompt: "p", day: (2025, 6, 1)), codexHome: home.codexHome,
            modifiedAt: now.addingTimeInterval(-86400 * 200))
        let old = try RolloutFixture.write(
            .init(id: "beta-old", cwd: "/code/beta", prompt: "p", day: (2024, 1, 1)), codexHome: home.codexHome,
            modifiedAt: now.addingTimeInterval(-86400 * 700))
        #expect(try await home.index().sessions(inRepository: alpha, limit: 1).first?.id == "today")
        // Moved to alpha in the terminal: a file in an old folder, of another repository.
        try RolloutFixture.appendTurn(to: old, cwd: alpha, prompt: "moved", modifiedAt: now.addingTimeInterval(1))
        let next = home.index(fullRefreshAge: 300)
        #expect(try await next.sessions(inRepository: alpha, limit: 1).first?.id == "today")
        try await next.refreshAll()
        #expect(try await next.sessions(inRepository: alpha, limit: 1).first?.id == "beta-old")
    }

    /// A message checks only the repository's most recently used sessions, so its cost does not grow with
    /// the repository's history; an older one resumed in the terminal is found by the next full refresh.
    @Test func aQuickRefreshChecksOnlyTheRepositorysRecentSessions() async throws {
        let home = try Home()
        let count = RolloutIndex.checkedSessionsPerRepository + 1
        var oldest = ""
        for index in 0..<count {
            let path = try RolloutFixture.write(
                .init(id: "s\(index)", cwd: alpha, prompt: "p\(index)", day: (2025, 1, 1 + index % 28)),
                codexHome: home.codexHome, modifiedAt: now.addingTimeInterval(Double(index - count) * 60))
            if index == 0 { oldest = path }
        }
        try RolloutFixture.write(
            .init(id: "newest-folder", cwd: "/code/beta", prompt: "p", day: (2026, 1, 15)), codexHome: home.codexHome,
            modifiedAt: now)
        try RolloutFixture.write(
            .init(id: "next-folder", cwd: "/code/beta", prompt: "p", day: (2026, 1, 14)), codexHome: home.codexHome,
            modifiedAt: now)
        let index = home.index(fullRefreshAge: 0)
        #expect(try await index.sessions(inRepository: alpha, limit: 1).first?.id == "s\(count - 1)")
        try RolloutFixture.appendTurn(to: oldest, cwd: alpha, prompt: "resumed", modifiedAt: now.addingTimeInterval(5))
        #expect(try await index.sessions(inRepository: alpha, limit: 1).first?.id == "s\(count - 1)")
        try await index.refreshAll()
        #expect(try await index.sessions(inRepository: alpha, limit: 1).first?.id == "s0")
    }

    @Test func aRewrittenFileIsReadAgainFromTheStart() async throws {
        let home = try Home()
        let path = try RolloutFixture.write(
            .init(id: "same", cwd: alpha, prompt: "long", day: (2026, 1, 15), bulkBytes: 100_000),
            codexHome: home.codexHome, modifiedAt: now.addingTimeInterval(-100))
        let index = home.index()
        #expect(try await index.sessions(inRepository: alpha, limit: 1).first?.firstPrompt == "long")
        try RolloutFixture.write(
            .init(id: "same", cwd: alpha, prompt: "short", day: (2026, 1, 15)), codexHome: home.codexHome, modifiedAt: now)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try await index.sessions(inRepository: alpha, limit: 1).first?.firstPrompt == "short")
    }
}
