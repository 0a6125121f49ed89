import Foundation

/// Writes rollout files shaped like Codex's (`sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`, one
/// `{"timestamp", "type", "payload"}` object per line), for index tests and the benchmark's large history.
public enum RolloutFixture {
    public struct Session: Sendable {
        public var id: String
        public var cwd: String
        public var prompt: String
        public var day: (year: Int, month: Int, day: Int)
        public var source: String
        /// Bytes of model traffic between the head and the tail, as long sessions have.
        public var bulkBytes: Int
        /// A later turn moved the session to this directory.
        public var laterCwd: String?

        public init(
            id: String = UUID().uuidString.lowercased(), cwd: String, prompt: String, day: (Int, Int, Int) = (2026, 1, 15),
            source: String = "cli", bulkBytes: Int = 0, laterCwd: String? = nil
        ) {
            self.id = id
            self.cwd = cwd
            self.prompt = prompt
            self.day = (day.0, day.1, day.2)
            self.source = source
            self.bulkBytes = bulkBytes
            self.laterCwd = laterCwd
        }
    }

    /// Writes the session's file and returns its path.
    @discardableResult
    public static func write(_ session: Session, codexHome: String, modifiedAt: Date? = nil) throws -> String {
        let folder = String(format: "%@/sessions/%04d/%02d/%02d", codexHome, session.day.year, session.day.month, session.day.day)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stamp = String(format: "%04d-%02d-%02dT10-00-00", session.day.year, session.day.month, session.day.day)
        let path = "\(folder)/rollout-\(stamp)-\(session.id).jsonl"
        var text = line(
            "session_meta",
            [
                "id": session.id, "cwd": session.cwd, "source": session.source, "timestamp": "2026-01-15T10:00:00.000Z",
                "model_provider": "mock", "instructions": String(repeating: "You are Codex. ", count: 1500),
            ])
        text += line("turn_context", ["cwd": session.cwd, "model": "gpt-5.5"])
        text += line(
            "response_item", ["type": "message", "role": "user", "content": [["type": "input_text", "text": "<environment_context/>"]]])
        text += line("event_msg", ["type": "user_message", "message": session.prompt])
        if session.bulkBytes > 0 {
            let item = bulkItem
            text += String(repeating: item, count: max(1, session.bulkBytes / item.utf8.count))
        }
        if let laterCwd = session.laterCwd {
            text += line("turn_context", ["cwd": laterCwd, "model": "gpt-5.5"])
        }
        text += line(
            "event_msg",
            [
                "type": "token_count",
                "info": [
                    "total_token_usage": [
                        "input_tokens": 1000, "cached_input_tokens": 200, "output_tokens": 50, "reasoning_output_tokens": 5,
                    ]
                ],
            ])
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        if let modifiedAt {
            try FileManager.default.setAttributes([.modificationDate: modifiedAt], ofItemAtPath: path)
        }
        return path
    }

    /// Appends a turn to an existing file (as resuming the session does), optionally in another directory.
    public static func appendTurn(to path: String, cwd: String, prompt: String, modifiedAt: Date? = nil) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(
            contentsOf: Data(
                (line("turn_context", ["cwd": cwd]) + line("event_msg", ["type": "user_message", "message": prompt])
                    + line(
                        "event_msg",
                        [
                            "type": "token_count",
                            "info": [
                                "total_token_usage": [
                                    "input_tokens": 2000, "cached_input_tokens": 400, "output_tokens": 90, "reasoning_output_tokens": 9,
                                ]
                            ],
                        ])).utf8))
        try handle.close()
        if let modifiedAt {
            try FileManager.default.setAttributes([.modificationDate: modifiedAt], ofItemAtPath: path)
        }
    }

    /// One line of model traffic (a command's output), about 4 KB.
    static let bulkItem = line(
        "response_item",
        [
            "type": "function_call_output", "call_id": "call_1",
            "output": String(repeating: "build output line\n", count: 200),
        ])

    public static func line(_ type: String, _ payload: [String: Any]) -> String {
        let object: [String: Any] = ["timestamp": "2026-01-15T10:00:00.000Z", "type": type, "payload": payload]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
