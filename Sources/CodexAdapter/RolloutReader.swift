import CompanionCore
import Foundation

/// Reads only what the session index needs from a rollout file
/// (`{"timestamp", "type", "payload"}` per line), never the whole file, in both of Codex's formats
/// (0.147's, where `event_msg/user_message` carries the prompt, and 0.151+'s paginated threads, where an
/// `event_msg/item_completed` `UserMessage` item does):
/// - a new file: its head (line 1 is `session_meta` with id, cwd, originator, source, start; the first
///   prompt follows the instructions), up to the first prompt and never past `headLimit`, and its last
///   `tailWindow` bytes, for the latest `turn_context` (a turn can move the session to another cwd) and
///   `token_count` (the thread's usage so far). A turn context further back than that is not looked for:
///   the head's cwd stands, which is right unless an old, long last turn moved the session; every line
///   appended later is read in full;
/// - a file that grew: only the lines appended since the offset read last time.
/// A last line still being written is left for the next read.
enum RolloutReader {
    struct Facts: Equatable {
        var threadID: String?
        var cwd: String?
        /// Where the session was started, in `CodexSession.source`'s words (see `origin`).
        var source = ""
        var startedAt: Date?
        var firstPrompt: String?
        var usage: TokenUsage?
        /// The end of the last complete line read.
        var readOffset: Int64 = 0
    }

    /// What the index's rows hold, by the reader that wrote them. Raised when a reader finds something
    /// its predecessor missed, so rows written before are read again from the start (once).
    /// 2: the first prompt of 0.151+'s paginated threads, and the origin from `session_meta.originator`.
    static let format = 2

    static let chunkSize = 32 << 10
    /// How much of a new file's end is read for its latest turn context and token count (the token
    /// count is the last line of a finished turn).
    static let tailWindow: Int64 = 16 << 10
    /// How far into a file the first prompt is looked for. Codex 0.163 writes about 48 KB before it
    /// (`session_meta` with 22 KB of base instructions, a 10 KB developer message of skills and
    /// permissions, the environment context, a 6 KB world state, a 4 KB turn context); the project's
    /// AGENTS.md, the part that varies most, is capped by Codex at 32 KiB by default
    /// (`project_doc_max_bytes`). 256 KB leaves five times today's head and still bounds what a first
    /// index of thousands of files reads (the files of long sessions are megabytes, and a file without a
    /// prompt would otherwise be read to its end): at most this plus one chunk per file. A prompt further
    /// in is not shown (the session is still found and continued; a later turn's prompt may stand in).
    static let headLimit: Int64 = 256 << 10
    /// `session_meta` alone may run past `headLimit` (custom base instructions): without it the file is
    /// no session at all, so that one line may be read up to here.
    static let metaLineLimit: Int64 = 1 << 20
    /// The originator the companion's app-server engine gives Codex (`clientInfo.name` in `initialize`).
    static let companionOriginator = "codex_companion"

    static func readNew(path: String, size: Int64) -> Facts? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        var facts = Facts()
        let headEnd = readHead(file, size: size, into: &facts).end
        guard facts.threadID != nil else { return nil }
        readTail(file, size: size, headEnd: headEnd, into: &facts)
        return facts
    }

    /// Only the head of a new file: its facts and how many bytes reading them took (tests check the cap).
    static func readHead(path: String, size: Int64) -> (facts: Facts, bytesRead: Int64)? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        var facts = Facts()
        let bytesRead = readHead(file, size: size, into: &facts).bytesRead
        return facts.threadID == nil ? nil : (facts, bytesRead)
    }

    /// The lines appended since `previous.readOffset`, applied on top of what was known.
    static func readAppended(path: String, size: Int64, previous: Facts) -> Facts? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        var facts = previous
        try? file.seek(toOffset: UInt64(previous.readOffset))
        var reader = LineReader(file: file, offset: previous.readOffset, limit: size)
        var prompt = PromptSearch()
        while let (line, end) = reader.next() {
            apply(line, to: &facts, prompt: &prompt)
            facts.readOffset = end
        }
        if facts.firstPrompt == nil { facts.firstPrompt = prompt.result() }
        return facts
    }

    /// Reads lines from the start until the first prompt is found, or `headLimit`; returns where reading
    /// stopped (the end of the last line used) and how much was read from the file.
    private static func readHead(_ file: FileHandle, size: Int64, into facts: inout Facts) -> (end: Int64, bytesRead: Int64) {
        var reader = LineReader(file: file, offset: 0, limit: min(size, metaLineLimit))
        guard let (meta, metaEnd) = reader.next(), parseMeta(meta, into: &facts) else { return (0, reader.offset) }
        facts.readOffset = metaEnd
        reader.limit = min(size, max(headLimit, metaEnd))
        var prompt = PromptSearch()
        while !prompt.isSettled, let (line, end) = reader.next() {
            apply(line, to: &facts, prompt: &prompt)
            facts.readOffset = end
        }
        facts.firstPrompt = prompt.result()
        return (facts.readOffset, reader.offset)
    }

    /// Reads the file's last `tailWindow` bytes (not below `headEnd`) for the latest turn_context and
    /// token_count, walking its complete lines from the end.
    private static func readTail(_ file: FileHandle, size: Int64, headEnd: Int64, into facts: inout Facts) {
        let floor = max(headEnd, size - tailWindow)
        guard size > floor else { return }
        try? file.seek(toOffset: UInt64(floor))
        guard let data = try? file.read(upToCount: Int(size - floor)), !data.isEmpty else { return }
        let window = [UInt8](data)
        let newlines = ByteSearch.positions(of: UInt8(ascii: "\n"), in: window)
        // Whatever follows the last newline is a line still being written.
        guard let lastNewline = newlines.last else { return }
        facts.readOffset = max(facts.readOffset, floor + Int64(lastNewline) + 1)
        var foundCwd = false
        var foundUsage = false
        // Complete lines from the end; the first one is whole only if the window starts at a line start.
        for index in stride(from: newlines.count - 1, through: 0, by: -1) where !(foundCwd && foundUsage) {
            if index == 0 && floor > headEnd { break }
            let line = window[(index == 0 ? 0 : newlines[index - 1] + 1)..<newlines[index]]
            if !foundCwd, let cwd = RolloutLine.turnContextCwd(line) {
                facts.cwd = cwd
                foundCwd = true
            }
            if !foundUsage, let usage = RolloutLine.tokenUsage(line) {
                facts.usage = usage
                foundUsage = true
            }
        }
    }

    // MARK: - Where a session came from

    /// The origin in `CodexSession.source`'s words (`cli` is the terminal, `exec`, `vscode`, `companion`,
    /// or Codex's own `source` for anything else). The originator, the client that made the thread,
    /// decides when it is one of Codex's own: since 0.151 every thread made through Codex's daemon says
    /// `"source": "vscode"`, the terminal's too (`"originator": "codex-tui"`). Files without an
    /// originator, and sub-agents (whose `source` is an object), keep their `source`.
    static func origin(originator: String?, source: RolloutLine.Source?) -> String {
        if let source, source.isObject { return source.name }
        switch originator {
        case "codex-tui": return "cli"
        case "codex_exec": return "exec"
        case "codex_vscode": return "vscode"
        case companionOriginator: return "companion"
        default: return source?.name ?? ""
        }
    }

    // MARK: - Lines

    private static func parseMeta(_ line: Data, into facts: inout Facts) -> Bool {
        guard let meta = RolloutLine.sessionMeta(line) else { return false }
        facts.threadID = meta.id
        facts.cwd = meta.cwd
        facts.source = origin(originator: meta.originator, source: meta.source)
        facts.startedAt = meta.timestamp.flatMap(parseTimestamp)
        return true
    }

    /// Folds one line read forwards: a later turn_context or token_count replaces the earlier one; the
    /// first prompt is looked for until one is known.
    private static func apply(_ line: Data, to facts: inout Facts, prompt: inout PromptSearch) {
        if let cwd = RolloutLine.turnContextCwd(line) {
            facts.cwd = cwd
        } else if let usage = RolloutLine.tokenUsage(line) {
            facts.usage = usage
        } else if facts.firstPrompt == nil, !prompt.isSettled {
            prompt.take(line)
        }
    }

    /// The first prompt, from the lines as they go by. The prompt's event wins (`user_message` before
    /// 0.151, an `item_completed` `UserMessage` since): it holds what the user typed. The model's copy,
    /// the `response_item` user message that is not Codex's own context, comes just before it and
    /// stands in when no event follows within a few lines. Such messages are kept undecoded until then:
    /// in both formats the event follows, so they never are.
    struct PromptSearch {
        private var event: String?
        private var userItem: String?
        private var pending: [Data] = []
        private var linesAfterPending = 0
        /// Lines after the model's copy within which the event is still waited for (it is the next one).
        static let eventWindow = 4

        var isSettled: Bool { event != nil || userItem != nil }

        /// The prompt found in the lines taken so far.
        mutating func result() -> String? { event ?? userItem ?? decodePending() }

        mutating func take(_ line: Data) {
            if let text = RolloutLine.promptEvent(line) {
                event = text
            } else if RolloutLine.mayBeUserItem(line) {
                pending.append(line)
                linesAfterPending = 0
            } else if !pending.isEmpty {
                linesAfterPending += 1
                if linesAfterPending >= Self.eventWindow { userItem = decodePending() }
            }
        }

        /// The first of the pending messages that the user wrote; the others are dropped.
        private mutating func decodePending() -> String? {
            defer { pending = [] }
            return pending.lazy.compactMap { RolloutLine.userItem($0) }.first
        }
    }

    private static func parseTimestamp(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

/// Complete lines of a file read forwards in chunks, each with the file offset just past its newline.
/// A last line without a newline is not returned: it is still being written. No chunk is read once
/// `limit` is reached, so a line running past it is not returned either (and costs at most one chunk more).
private struct LineReader {
    let file: FileHandle
    /// The file offset of the next chunk read.
    private(set) var offset: Int64
    var limit: Int64
    private var buffer: [UInt8] = []
    private var cursor = 0
    private var bufferStart: Int64

    init(file: FileHandle, offset: Int64, limit: Int64) {
        self.file = file
        self.offset = offset
        self.limit = limit
        bufferStart = offset
    }

    mutating func next() -> (Data, Int64)? {
        while true {
            if let newline = ByteSearch.firstPosition(of: UInt8(ascii: "\n"), in: buffer, from: cursor) {
                let line = buffer[cursor..<newline]
                cursor = newline + 1
                return (Data(line), bufferStart + Int64(cursor))
            }
            guard offset < limit, let chunk = try? file.read(upToCount: RolloutReader.chunkSize), !chunk.isEmpty else { return nil }
            // Drop the lines already returned before reading on, so the buffer holds at most one partial line.
            buffer.removeSubrange(0..<cursor)
            bufferStart += Int64(cursor)
            cursor = 0
            buffer.append(contentsOf: chunk)
            offset += Int64(chunk.count)
        }
    }
}
