import CompanionCore
import Foundation

/// Reads only what the session index needs from a rollout file
/// (`{"timestamp", "type", "payload"}` per line), never the whole file:
/// - a new file: its head (line 1 is `session_meta` with id, cwd, source, start; the first `user_message`
///   follows within the first lines) and its last `tailWindow` bytes, for the latest `turn_context` (a
///   turn can move the session to another cwd) and `token_count` (the thread's usage so far). A turn
///   context further back than that is not looked for: the head's cwd stands, which is right unless an
///   old, long last turn moved the session; every line appended later is read in full;
/// - a file that grew: only the lines appended since the offset read last time.
/// A last line still being written is left for the next read.
enum RolloutReader {
    struct Facts: Equatable {
        var threadID: String?
        var cwd: String?
        var source = ""
        var startedAt: Date?
        var firstPrompt: String?
        var usage: TokenUsage?
        /// The end of the last complete line read.
        var readOffset: Int64 = 0
    }

    static let chunkSize = 32 << 10
    /// How much of a new file's end is read for its latest turn context and token count (the token
    /// count is the last line of a finished turn).
    static let tailWindow: Int64 = 16 << 10
    /// How far into a file the first prompt is looked for (instructions and context come before it).
    static let headLimit = 2 << 20

    static func readNew(path: String, size: Int64) -> Facts? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        var facts = Facts()
        let headEnd = readHead(file, size: size, into: &facts)
        guard facts.threadID != nil else { return nil }
        readTail(file, size: size, headEnd: headEnd, into: &facts)
        return facts
    }

    /// The lines appended since `previous.readOffset`, applied on top of what was known.
    static func readAppended(path: String, size: Int64, previous: Facts) -> Facts? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        var facts = previous
        try? file.seek(toOffset: UInt64(previous.readOffset))
        var reader = LineReader(file: file, offset: previous.readOffset, limit: size)
        while let (line, end) = reader.next() {
            apply(line, to: &facts)
            facts.readOffset = end
        }
        return facts
    }

    /// Reads lines from the start until the first prompt is found; returns where reading stopped.
    private static func readHead(_ file: FileHandle, size: Int64, into facts: inout Facts) -> Int64 {
        var reader = LineReader(file: file, offset: 0, limit: size)
        guard let (meta, metaEnd) = reader.next(), parseMeta(meta, into: &facts) else { return 0 }
        facts.readOffset = metaEnd
        while facts.firstPrompt == nil, facts.readOffset < Int64(headLimit), let (line, end) = reader.next() {
            apply(line, to: &facts)
            facts.readOffset = end
        }
        return facts.readOffset
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
            if !foundCwd, ByteSearch.contains(line, Keys.turnContext),
                let cwd = payload(Data(line), type: "turn_context")?["cwd"] as? String
            {
                facts.cwd = cwd
                foundCwd = true
            }
            if !foundUsage, ByteSearch.contains(line, Keys.tokenCount), let usage = tokenUsage(Data(line)) {
                facts.usage = usage
                foundUsage = true
            }
        }
    }

    // MARK: - Lines

    private enum Keys {
        static let turnContext = Array("\"turn_context\"".utf8)
        static let tokenCount = Array("\"token_count\"".utf8)
        static let userMessage = Array("\"user_message\"".utf8)
    }

    /// Line 1, decoded for the four fields needed: it carries Codex's instructions too (20 KB and more),
    /// which a typed decode skips over instead of building them as objects.
    private struct SessionMetaLine: Decodable {
        struct Payload: Decodable {
            var id: String
            var cwd: String
            var timestamp: String?
            var source: Source?
        }

        /// `source` is a plain string for most origins and an object for sub-agents.
        struct Source: Decodable {
            var name: String

            init(from decoder: any Decoder) throws {
                if let text = try? decoder.singleValueContainer().decode(String.self) {
                    name = text
                } else {
                    let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).sorted()
                    name = keys.first ?? ""
                }
            }
        }

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var type: String
        var payload: Payload
    }

    private static func parseMeta(_ line: Data, into facts: inout Facts) -> Bool {
        guard let meta = try? JSONDecoder().decode(SessionMetaLine.self, from: line), meta.type == "session_meta" else { return false }
        facts.threadID = meta.payload.id
        facts.cwd = meta.payload.cwd
        facts.source = meta.payload.source?.name ?? ""
        facts.startedAt = meta.payload.timestamp.flatMap(parseTimestamp)
        return true
    }

    /// Folds one line read forwards: a later turn_context or token_count replaces the earlier one.
    private static func apply(_ line: Data, to facts: inout Facts) {
        if ByteSearch.contains(line, Keys.turnContext), let cwd = payload(line, type: "turn_context")?["cwd"] as? String {
            facts.cwd = cwd
        } else if ByteSearch.contains(line, Keys.tokenCount), let usage = tokenUsage(line) {
            facts.usage = usage
        } else if facts.firstPrompt == nil, ByteSearch.contains(line, Keys.userMessage),
            let event = payload(line, type: "event_msg"), event["type"] as? String == "user_message"
        {
            facts.firstPrompt = (event["message"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    private static func payload(_ line: Data, type: String) -> [String: Any]? {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any],
            object["type"] as? String == type
        else { return nil }
        return object["payload"] as? [String: Any]
    }

    private static func tokenUsage(_ line: Data) -> TokenUsage? {
        guard let event = payload(line, type: "event_msg"), event["type"] as? String == "token_count",
            let info = event["info"] as? [String: Any], let total = info["total_token_usage"] as? [String: Any]
        else { return nil }
        return TokenUsage(
            inputTokens: total["input_tokens"] as? Int ?? 0, cachedInputTokens: total["cached_input_tokens"] as? Int ?? 0,
            outputTokens: total["output_tokens"] as? Int ?? 0,
            reasoningOutputTokens: total["reasoning_output_tokens"] as? Int ?? 0)
    }

    private static func parseTimestamp(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

/// Complete lines of a file read forwards in chunks, each with the file offset just past its newline.
/// A last line without a newline is not returned: it is still being written.
private struct LineReader {
    let file: FileHandle
    var offset: Int64
    let limit: Int64
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
