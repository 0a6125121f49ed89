import CompanionCore
import Foundation
import Synchronization

/// Without Codex's daemon (Codex before 0.151, or `codex --no-daemon`), the end of a desk turn is read from
/// the session files Codex writes: each look reads only what was appended to the files of configured
/// repositories since the look before, and reports each turn that ran to its end there (`task_complete`)
/// with its last answer. A turn stopped before its end (`turn_aborted`) is not told: the person stopped
/// it, or it was a Codex process left behind by a companion that died and was stopped by the next one,
/// which tells of that task itself. Approvals cannot be seen this way (they need the daemon).
///
/// A look costs one listing of the two newest day folders (where Codex creates and, for `exec resume`
/// of a recent session, appends) plus one `stat` per file followed; nothing grows with the history. The
/// first look only notes where each file ends, so turns from before the companion started are not told.
/// A session resumed from an older day folder is followed once it shows up in the newest two.
public final class DeskFileWatcher: Sendable {
    /// A session file followed: where the next read starts, and the repository it works in (nil: not
    /// a configured one, so never read again).
    private struct Followed {
        var offset: Int64
        var threadID: String
        var repoPath: String?
        /// The prompt of the turn under way, once its line was read.
        var prompt: String?
        var startedAt: Date?
    }

    private struct State {
        var files: [String: Followed] = [:]
        var looked = false
    }

    private let sessionsRoot: String
    private let repositories: Set<String>
    private let state = Mutex(State())

    public init(codexHome: String, repositories: [String]) {
        sessionsRoot = codexHome + "/sessions"
        self.repositories = Set(repositories.map(DeskWatcher.resolved))
    }

    /// The next look only notes where each file ends (the desk was followed another way meanwhile, and
    /// what the files gained then was told already).
    public func startOver() {
        state.withLock { $0.looked = false }
    }

    /// Looks once; the desk turns that ended since the previous look. `skipping` names repositories
    /// (resolved paths) where the companion ran a turn of its own since then: what their files gained
    /// is passed over, as it may be the companion's own turn.
    public func look(skipping: Set<String> = []) -> [DeskTurn] {
        let listed = RolloutIndex.recentDayFolders(under: sessionsRoot, count: 2).flatMap(RolloutIndex.rolloutFiles(inDay:))
        return state.withLock { state in
            let first = !state.looked
            state.looked = true
            var ended: [DeskTurn] = []
            var files: [String: Followed] = [:]
            for file in listed {
                // Files that left the newest two folders are let go: the map stays as small as those.
                guard var followed = state.files[file.path] ?? start(file.path) else { continue }
                defer { files[file.path] = followed }
                guard let repo = followed.repoPath, file.size > followed.offset else { continue }
                if first || skipping.contains(repo) {
                    // No line end in the last 64 KiB (a huge line being written): from the end; the rest
                    // of that line reads as no line at all next time.
                    followed.offset = Self.endOfLastLine(file.path, size: file.size) ?? file.size
                    followed.prompt = nil
                } else {
                    ended += read(file.path, size: file.size, into: &followed)
                }
            }
            state.files = files
            return ended
        }
    }

    /// A file not seen before: its thread and repository from its first line; nil until that line is whole.
    private func start(_ path: String) -> Followed? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        // The first line is tens of kilobytes (Codex's instructions): read in chunks up to the reader's cap.
        var head = Data()
        var newline: Data.Index?
        while newline == nil, head.count < RolloutReader.metaLineLimit,
            let chunk = try? handle.read(upToCount: 64 << 10), !chunk.isEmpty
        {
            let searchFrom = head.endIndex
            head.append(chunk)
            newline = head[searchFrom...].firstIndex(of: UInt8(ascii: "\n"))
        }
        guard let newline, let meta = RolloutLine.sessionMeta(head[head.startIndex..<newline]) else { return nil }
        let repo = DeskWatcher.resolved(meta.cwd)
        return Followed(offset: 0, threadID: meta.id, repoPath: repositories.contains(repo) ? repo : nil, prompt: nil, startedAt: nil)
    }

    private func read(_ path: String, size: Int64, into followed: inout Followed) -> [DeskTurn] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(followed.offset))
        guard let data = try? handle.read(upToCount: Int(size - followed.offset)) else { return [] }
        var ended: [DeskTurn] = []
        var lineStart = data.startIndex
        while let newline = data[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = data[lineStart..<newline]
            lineStart = data.index(after: newline)
            if let prompt = RolloutLine.promptEvent(line) {
                followed.prompt = prompt
                followed.startedAt = Date()
            } else if let end = RolloutLine.turnEnd(line), let repo = followed.repoPath {
                if case .completed(let answer) = end { ended.append(turn(answering: answer, of: followed, in: repo)) }
                followed.prompt = nil
                followed.startedAt = nil
            }
        }
        followed.offset += Int64(data.distance(from: data.startIndex, to: lineStart))
        return ended
    }

    private func turn(answering answer: String?, of followed: Followed, in repo: String) -> DeskTurn {
        var record = TurnRecord()
        record.apply(.threadStarted(threadID: followed.threadID))
        if let answer { record.apply(.itemCompleted(CodexItem(id: "desk-answer", kind: .agentMessage(text: answer)))) }
        record.completed = true
        let now = Date()
        return DeskTurn(threadID: followed.threadID, repoPath: repo, record: record, startedAt: followed.startedAt ?? now, endedAt: now)
    }

    /// The end of the file's last complete line (a line still being written is read next time).
    private static func endOfLastLine(_ path: String, size: Int64) -> Int64? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let window = min(size, 1 << 16)
        try? handle.seek(toOffset: UInt64(size - window))
        guard let tail = try? handle.read(upToCount: Int(window)), let newline = tail.lastIndex(of: UInt8(ascii: "\n")) else {
            return nil
        }
        return size - window + Int64(tail.distance(from: tail.startIndex, to: newline)) + 1
    }
}
