import CompanionCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private typealias FileStatus = stat
private func readStatus(_ path: String, _ status: inout FileStatus) -> Int32 { stat(path, &status) }

/// Finds Codex sessions through the companion's index of Codex's rollout files
/// (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<timestamp>-<thread id>.jsonl`), refreshing the index
/// from the files that are new or changed, so a lookup costs the same with ten sessions or ten thousand.
///
/// Every session counts, whoever started it, which is what lets the phone continue a session begun in
/// the terminal. A file's modification time is its last use.
/// - A full refresh lists every file (names, sizes, times: no contents) and reads only new or changed
///   ones. A process runs one before its first lookup unless one completed less than `fullRefreshAge`
///   ago (the daemon repeats it in the background, so a CLI command next to it skips it).
/// - A quick refresh, before each continued task, looks only where a newer session of the repository
///   can be: the two newest day folders (where Codex creates sessions) and the files of the repository's
///   `checkedSessionsPerRepository` most recently used sessions (a resumed session grows its original
///   file). A session moved to this repository from another one, and a resumed session older than those,
///   are seen at the next full refresh: so the cost per message does not grow with the repository's history.
public actor RolloutIndex: SessionLocating {
    public nonisolated let codexHome: String
    private let index: any SessionIndexStoring
    private var sessionsRoot: String { codexHome + "/sessions" }
    /// The first full refresh of this process, shared by everyone who waits for it.
    private var firstRefresh: Task<Void, Error>?
    /// The rows quick refreshes have looked at, kept in memory so a lookup with nothing new reads no
    /// database: a file is read again only when its size or time differs from the row's. Emptied by a
    /// full refresh (which may have moved sessions between repositories).
    private var cachedRows: [String: IndexedRollout] = [:]
    /// Repositories whose rows are all in `cachedRows`.
    private var cachedRepositories: Set<String> = []
    /// The quick refresh under way, which a lookup arriving meanwhile waits for instead of racing it.
    private var quickRefresh: Task<[IndexedRollout], Error>?
    /// A full refresh younger than this (by any process) is not repeated before a lookup.
    public nonisolated let fullRefreshAge: TimeInterval
    /// How many of a repository's most recently used sessions a quick refresh checks for growth.
    public static let checkedSessionsPerRepository = 100

    public init(codexHome: String, index: any SessionIndexStoring, fullRefreshAge: TimeInterval = 300) {
        self.codexHome = codexHome
        self.index = index
        self.fullRefreshAge = fullRefreshAge
    }

    public func sessions(inRepository repoPath: String, limit: Int) async throws -> [CodexSession] {
        let cwd = Self.canonical(repoPath)
        try await ensureIndexed()
        let rows = try await refreshRecent(cwd: cwd)
        return rows.filter { $0.cwd == cwd && $0.threadID != nil }
            .sorted { ($0.modifiedNanoseconds, $0.path) > ($1.modifiedNanoseconds, $1.path) }
            .prefix(limit).compactMap(\.session)
    }

    public func refresh(repository repoPath: String) async throws {
        try await ensureIndexed()
        _ = try await refreshRecent(cwd: Self.canonical(repoPath))
    }

    /// One quick refresh at a time: a second caller waits for the one under way, then runs its own
    /// (cheap, as the first has just read everything).
    private func refreshRecent(cwd: String) async throws -> [IndexedRollout] {
        while let running = quickRefresh {
            _ = try? await running.value
            if quickRefresh == running { quickRefresh = nil }
        }
        let task = Task { try await self.readRecent(cwd: cwd) }
        quickRefresh = task
        defer { if quickRefresh == task { quickRefresh = nil } }
        return try await task.value
    }

    public func session(id: String) async throws -> CodexSession? {
        try await ensureIndexed()
        return try await index.rollout(codexHome: codexHome, threadID: id)?.session
    }

    public func sessionCount() async throws -> Int {
        try await ensureIndexed()
        return try await index.rolloutCount(codexHome: codexHome)
    }

    /// Runs this process's first full refresh (unless a recent one stands), or waits for the one under way.
    public func ensureIndexed() async throws {
        if firstRefresh == nil {
            firstRefresh = Task {
                if try await index.indexFormat(codexHome: codexHome) == RolloutReader.format,
                    let last = try await index.lastFullRefresh(codexHome: codexHome), Date().timeIntervalSince(last) < fullRefreshAge,
                    Date() >= last
                {
                    return
                }
                try await self.refreshAll()
            }
        }
        try await firstRefresh?.value
    }

    /// Lists every rollout file and reads the new or changed ones; forgets files that are gone. Rows an
    /// older reader wrote (another `RolloutReader.format`) miss what this one finds, such as the first
    /// prompt of 0.151+'s files: then every file is read again from its start, once.
    public func refreshAll() async throws {
        let started = Date()
        let rereading = try await index.indexFormat(codexHome: codexHome) != RolloutReader.format
        let stamps = try await index.indexedStamps(codexHome: codexHome)
        var seen: Set<String> = []
        var stale: [RolloutFileStat] = []
        for file in Self.rolloutFiles(under: sessionsRoot) {
            seen.insert(file.path)
            if rereading || stamps[file.path] != RolloutStamp(size: file.size, modifiedNanoseconds: file.modifiedNanoseconds) {
                stale.append(file)
            }
        }
        // Only the files that changed are looked up in full and read, in batches, on every core.
        let codexHome = self.codexHome
        for start in stride(from: 0, to: stale.count, by: 1000) {
            let batch = Array(stale[start..<min(stale.count, start + 1000)])
            let known = rereading ? [:] : try await index.indexedRollouts(paths: batch.map(\.path))
            let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
            let rows = await withTaskGroup(of: [IndexedRollout].self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        // Sessions share a few working directories: each is made canonical once (a
                        // symlink walk with a `stat` per path component).
                        var canonicalPaths: [String: String] = [:]
                        return stride(from: worker, to: batch.count, by: workers).compactMap { index in
                            Self.read(batch[index], known: known[batch[index].path], codexHome: codexHome, canonicalPaths: &canonicalPaths)
                        }
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            try await index.updateRollouts(rows, removedPaths: [])
        }
        let removed = stamps.keys.filter { !seen.contains($0) }
        if !removed.isEmpty { try await index.updateRollouts([], removedPaths: removed) }
        if rereading { try await index.setIndexFormat(codexHome: codexHome, RolloutReader.format) }
        try await index.setLastFullRefresh(codexHome: codexHome, at: started)
        if !stale.isEmpty || !removed.isEmpty {
            cachedRows = [:]
            cachedRepositories = []
        }
    }

    /// Reads the files a newer session of `cwd` could be in: the newest day folders and its own sessions.
    /// Returns the up-to-date rows of those files: from memory when nothing changed, with a write of the
    /// index only for what did.
    private func readRecent(cwd: String) async throws -> [IndexedRollout] {
        var files = Self.recentDayFolders(under: sessionsRoot, count: 2).flatMap { Self.rolloutFiles(inDay: $0) }
        let uncached = files.map(\.path).filter { cachedRows[$0] == nil }
        if !cachedRepositories.contains(cwd) || !uncached.isEmpty {
            let loaded = try await index.indexedRollouts(
                codexHome: codexHome, cwd: cachedRepositories.contains(cwd) ? nil : cwd,
                orPaths: uncached)
            cachedRows.merge(loaded) { $1 }
            cachedRepositories.insert(cwd)
        }
        var rows = cachedRows.filter { $0.value.cwd == cwd }
        for file in files { rows[file.path] = cachedRows[file.path] }
        let listed = Set(files.map(\.path))
        let newestOfRepository = rows.values.filter { !listed.contains($0.path) }
            .sorted { $0.modifiedNanoseconds > $1.modifiedNanoseconds }.prefix(Self.checkedSessionsPerRepository)
        var removed: [String] = []
        for row in newestOfRepository {
            if let file = Self.stat(row.path) { files.append(file) } else { removed.append(row.path) }
        }
        var canonicalPaths: [String: String] = [:]
        let changed = files.compactMap {
            Self.read($0, known: rows[$0.path], codexHome: codexHome, canonicalPaths: &canonicalPaths)
        }
        if !changed.isEmpty || !removed.isEmpty { try await index.updateRollouts(changed, removedPaths: removed) }
        for row in changed {
            rows[row.path] = row
            cachedRows[row.path] = row
        }
        for path in removed {
            rows[path] = nil
            cachedRows[path] = nil
        }
        return Array(rows.values)
    }

    /// The file's row after reading what changed, or nil when the index is up to date for it.
    private static func read(
        _ file: RolloutFileStat, known: IndexedRollout?, codexHome: String, canonicalPaths: inout [String: String]
    ) -> IndexedRollout? {
        if let known, known.size == file.size, known.modifiedNanoseconds == file.modifiedNanoseconds { return nil }
        var facts: RolloutReader.Facts?
        if let known, known.threadID != nil, file.size >= known.size, known.readOffset <= file.size {
            facts = RolloutReader.readAppended(
                path: file.path, size: file.size,
                previous: RolloutReader.Facts(
                    threadID: known.threadID, cwd: known.cwd, source: known.source, startedAt: known.startedAt,
                    firstPrompt: known.firstPrompt, usage: known.cumulativeUsage, readOffset: known.readOffset))
        } else {
            facts = RolloutReader.readNew(path: file.path, size: file.size)
        }
        return IndexedRollout(
            path: file.path, codexHome: codexHome, size: file.size, modifiedNanoseconds: file.modifiedNanoseconds,
            readOffset: facts?.readOffset ?? 0,
            threadID: facts?.threadID, cwd: facts?.cwd.map { Self.canonical($0, cache: &canonicalPaths) }, source: facts?.source ?? "",
            startedAt: facts?.startedAt, firstPrompt: facts?.firstPrompt, cumulativeUsage: facts?.usage)
    }

    // MARK: - The sessions folder

    struct RolloutFileStat: Sendable {
        var path: String
        var size: Int64
        /// Exact, so a change is never missed by a rounding of dates.
        var modifiedNanoseconds: Int64
    }

    static func rolloutFiles(under root: String) -> [RolloutFileStat] {
        var files: [RolloutFileStat] = []
        for year in subfolders(of: root) {
            for month in subfolders(of: year) {
                for day in subfolders(of: month) { files += rolloutFiles(inDay: day) }
            }
        }
        return files
    }

    /// The newest `count` day folders (`YYYY/MM/DD`, newest first), across month and year ends.
    static func recentDayFolders(under root: String, count: Int) -> [String] {
        var days: [String] = []
        for year in subfolders(of: root).reversed() {
            for month in subfolders(of: year).reversed() {
                for day in subfolders(of: month).reversed() {
                    days.append(day)
                    if days.count == count { return days }
                }
            }
        }
        return days
    }

    static func rolloutFiles(inDay folder: String) -> [RolloutFileStat] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("rollout-") && $0.hasSuffix(".jsonl") }.compactMap { stat(folder + "/" + $0) }
    }

    /// Numbered folders (years, months, days) in name order.
    private static func subfolders(of folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { !$0.isEmpty && $0.allSatisfy(\.isNumber) }.sorted().map { folder + "/" + $0 }
    }

    /// One `stat` call: a full refresh makes one per file, so it avoids Foundation's attribute dictionary.
    static func stat(_ path: String) -> RolloutFileStat? {
        var info = FileStatus()
        guard readStatus(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return RolloutFileStat(
            path: path, size: Int64(info.st_size),
            modifiedNanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func canonical(_ path: String, cache: inout [String: String]) -> String {
        if let known = cache[path] { return known }
        let canonical = canonical(path)
        cache[path] = canonical
        return canonical
    }
}
