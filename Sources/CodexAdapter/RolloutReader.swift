import CompanionCore
import Foundation

/// Reads only what the session index needs from a rollout file
/// (`{"timestamp", "type", "payload"}` per line), never the whole file:
/// - a new file: its head (line 1 is `session_meta` with id, cwd, source, start; the first `user_message`
///   follows within the first lines) and, read backwards from the end, its latest `turn_context` (a turn
///   can move the session to another cwd) and `token_count` (the thread's usage so far);
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

    static let chunkSize = 64 << 10
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

    /// Reads backwards from the end for the latest turn_context and token_count, down to `headEnd`.
    private static func readTail(_ file: FileHandle, size: Int64, headEnd: Int64, into facts: inout Facts) {
        var end = size
        var carry = Data()   // the start of a line that began in an earlier chunk
        var foundCwd = false
        var foundUsage = false
        var isLastChunk = true
        var tailOffset: Int64?
        while end > headEnd, !(foundCwd && foundUsage) {
            let start = max(headEnd, end - Int64(chunkSize))
            try? file.seek(toOffset: UInt64(start))
            guard let chunk = try? file.read(upToCount: Int(end - start)), !chunk.isEmpty else { break }
            var data = chunk
            data.append(carry)
            var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            if isLastChunk {
                // Whatever follows the last newline is a line still being written.
                let partial = lines.removeLast()
                tailOffset = size - Int64(partial.count)
                isLastChunk = false
            }
            carry = start > headEnd ? Data(lines.removeFirst()) : Data()
            for line in lines.reversed() where !line.isEmpty {
                if !foundCwd, line.range(of: Data("\"turn_context\"".utf8)) != nil,
                   let cwd = payload(line, type: "turn_context")?["cwd"] as? String {
                    facts.cwd = cwd
                    foundCwd = true
                }
                if !foundUsage, line.range(of: Data("\"token_count\"".utf8)) != nil, let usage = tokenUsage(line) {
                    facts.usage = usage
                    foundUsage = true
                }
                if foundCwd && foundUsage { break }
            }
            end = start
        }
        facts.readOffset = max(facts.readOffset, tailOffset ?? size)
    }

    // MARK: - Lines

    private static func parseMeta(_ line: Data, into facts: inout Facts) -> Bool {
        guard let payload = payload(line, type: "session_meta"), let id = payload["id"] as? String,
              let cwd = payload["cwd"] as? String else { return false }
        facts.threadID = id
        facts.cwd = cwd
        facts.source = sourceName(payload["source"]) ?? ""
        facts.startedAt = (payload["timestamp"] as? String).flatMap(parseTimestamp)
        return true
    }

    /// Folds one line read forwards: a later turn_context or token_count replaces the earlier one.
    private static func apply(_ line: Data, to facts: inout Facts) {
        if line.range(of: Data("\"turn_context\"".utf8)) != nil, let cwd = payload(line, type: "turn_context")?["cwd"] as? String {
            facts.cwd = cwd
        } else if line.range(of: Data("\"token_count\"".utf8)) != nil, let usage = tokenUsage(line) {
            facts.usage = usage
        } else if facts.firstPrompt == nil, line.range(of: Data("\"user_message\"".utf8)) != nil,
                  let event = payload(line, type: "event_msg"), event["type"] as? String == "user_message" {
            facts.firstPrompt = (event["message"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    private static func payload(_ line: Data, type: String) -> [String: Any]? {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any],
              object["type"] as? String == type else { return nil }
        return object["payload"] as? [String: Any]
    }

    private static func tokenUsage(_ line: Data) -> TokenUsage? {
        guard let event = payload(line, type: "event_msg"), event["type"] as? String == "token_count",
              let info = event["info"] as? [String: Any], let total = info["total_token_usage"] as? [String: Any] else { return nil }
        return TokenUsage(inputTokens: total["input_tokens"] as? Int ?? 0, cachedInputTokens: total["cached_input_tokens"] as? Int ?? 0,
                          outputTokens: total["output_tokens"] as? Int ?? 0,
                          reasoningOutputTokens: total["reasoning_output_tokens"] as? Int ?? 0)
    }

    /// `source` is a plain string for most origins and an object for sub-agents.
    private static func sourceName(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let object = value as? [String: Any], let key = object.keys.sorted().first { return key }
        return nil
    }

    private static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
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
            if let newline = buffer[cursor...].firstIndex(of: UInt8(ascii: "\n")) {
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
