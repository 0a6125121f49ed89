import Foundation

/// One Server-Sent Event as received.
struct SSEEvent: Sendable, Equatable {
    var id: Int?
    var event: String
    var data: String

    /// The dashboard's JSON in `data`.
    var body: LiveEventBody? {
        try? JSONDecoder().decode(LiveEventBody.self, from: Data(data.utf8))
    }
}

/// What the dashboard says about a task in each event.
struct LiveEventBody: Decodable, Equatable {
    var id: Int
    var type: String
    var taskID: Int64
    var project: String
    var status: String
    var progress: String?
    var approvalID: String?
}

/// Follows `GET /events` on a plain socket: the reply's status at once, then each event as it arrives
/// (read on a thread of its own). `close` ends the stream.
final class EventStreamClient: Sendable {
    let status: Int
    let events: AsyncStream<SSEEvent>
    private let socket: TestSocket

    private init(status: Int, events: AsyncStream<SSEEvent>, socket: TestSocket) {
        self.status = status
        self.events = events
        self.socket = socket
    }

    static func open(port: Int, cookie: String?, lastEventID: Int? = nil, timeout: TimeInterval = 20) async throws -> EventStreamClient {
        var headers = ["Accept": "text/event-stream"]
        if let cookie { headers["Cookie"] = cookie }
        if let lastEventID { headers["Last-Event-ID"] = String(lastEventID) }
        let request = HTTPTestClient.request("GET", "/events", host: "127.0.0.1:\(port)", headers: headers, body: nil)
        let (socket, status, chunked, rest) = try await HTTPTestClient.blocking {
            let socket = try TestSocket(port: port, timeout: timeout)
            try socket.write(request)
            var data: [UInt8] = []
            let separator: [UInt8] = Array("\r\n\r\n".utf8)
            while data.firstRange(of: separator) == nil {
                guard let chunk = try socket.read() else { break }
                data += chunk
            }
            guard let end = data.firstRange(of: separator) else { throw TestSocket.Failure.malformed("no end of headers") }
            let head = try HTTPTestClient.parseHead(String(decoding: data[..<end.lowerBound], as: UTF8.self))
            let chunked = head.headers.contains { $0.name == "transfer-encoding" && $0.value.lowercased().contains("chunked") }
            return (socket, head.status, chunked, Array(data[end.upperBound...]))
        }
        let (events, sink) = AsyncStream<SSEEvent>.makeStream()
        Thread.detachNewThread {
            var decoder = ChunkDecoder()
            var parser = SSEParser()
            var bytes = rest
            while true {
                let payload = chunked ? decoder.feed(bytes) : bytes
                for event in parser.feed(payload) { sink.yield(event) }
                guard !decoder.ended, let next = try? socket.read() else { break }
                bytes = next
            }
            sink.finish()
            socket.close()
        }
        return EventStreamClient(status: status, events: events, socket: socket)
    }

    func close() {
        socket.shutdown()
    }
}

/// Splits the `text/event-stream` format into events; a comment (a keep-alive) comes as an event named
/// `comment` with its text as data; `retry` is dropped.
struct SSEParser {
    private var text = ""

    mutating func feed(_ bytes: [UInt8]) -> [SSEEvent] {
        text += String(decoding: bytes, as: UTF8.self)
        var events: [SSEEvent] = []
        while let end = text.range(of: "\n\n") {
            let block = text[..<end.lowerBound]
            text.removeSubrange(..<end.upperBound)
            var event = SSEEvent(id: nil, event: "message", data: "")
            var hasData = false
            for line in block.split(separator: "\n") {
                if line.hasPrefix(":") {
                    events.append(SSEEvent(id: nil, event: "comment", data: line.dropFirst().trimmingCharacters(in: .whitespaces)))
                }
                if line.hasPrefix("id: ") { event.id = Int(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event.event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") {
                    event.data += String(line.dropFirst(6))
                    hasData = true
                }
            }
            if hasData { events.append(event) }
        }
        return events
    }
}

extension AsyncStream<SSEEvent>.Iterator {
    /// The next event that matches; nil when the stream ends first (the read timed out: the test fails).
    mutating func next(where matches: (SSEEvent) -> Bool) async -> SSEEvent? {
        while let event = await next() {
            if matches(event) { return event }
        }
        return nil
    }
}
