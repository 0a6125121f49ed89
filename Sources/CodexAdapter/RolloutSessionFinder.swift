import CompanionCore
import Foundation

/// Finds Codex sessions by reading Codex's own rollout files:
/// `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<timestamp>-<thread id>.jsonl`.
///
/// Every session counts, whoever started it, which is what lets the phone continue a session begun in
/// the terminal. A file's modification time is its last use.
public struct RolloutSessionFinder: SessionLocating {
    public var codexHome: String

    /// `codexHome` is the resolved CODEX_HOME (see `CodexHome.resolve`), never a guess made here.
    public init(codexHome: String) {
        self.codexHome = codexHome
    }

    public func sessions(inRepository repoPath: String, limit: Int) throws -> [CodexSession] {
        let target = Self.canonical(repoPath)
        var found: [CodexSession] = []
        for file in rolloutFiles() {
            guard found.count < limit else { break }
            guard let session = RolloutFile.read(file.url, modifiedAt: file.modifiedAt) else { continue }
            if Self.canonical(session.cwd) == target { found.append(session) }
        }
        return found
    }

    public func session(id: String) throws -> CodexSession? {
        let suffix = "-\(id.lowercased()).jsonl"
        guard let file = rolloutFiles().first(where: { $0.url.lastPathComponent.lowercased().hasSuffix(suffix) }) else {
            return nil
        }
        return RolloutFile.read(file.url, modifiedAt: file.modifiedAt)
    }

    /// How many sessions this Codex home holds (rollout files), for `doctor`.
    public func sessionCount() -> Int {
        rolloutFiles().count
    }

    /// All rollout files, most recently used first.
    private func rolloutFiles() -> [(url: URL, modifiedAt: Date)] {
        let root = URL(fileURLWithPath: codexHome).appendingPathComponent("sessions")
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.contentModificationDateKey, .isRegularFileKey]) else { return [] }
        var files: [(url: URL, modifiedAt: Date)] = []
        for case let url as URL in walker {
            let name = url.lastPathComponent
            guard name.hasPrefix("rollout-"), name.hasSuffix(".jsonl") else { continue }
            let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey])
            guard values?.isRegularFile == true else { continue }
            files.append((url, values?.contentModificationDate ?? .distantPast))
        }
        return files.sorted { $0.modifiedAt > $1.modifiedAt }
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
