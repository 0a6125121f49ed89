import CompanionCore
import Hummingbird

/// `GET /events`: task events as Server-Sent Events, for the pages' live updates.
extension DashboardApp {
    static let lastEventID = HeaderName("Last-Event-ID")!

    /// The events after `Last-Event-ID` still in the board's ring first, then each event as it happens,
    /// with a comment every `keepAliveInterval` so that nothing between closes a quiet stream. The stream
    /// ends when the client goes or the server shuts down.
    func events(_ request: Request, context: DashboardContext) async -> Response {
        let lastID = request.headers[Self.lastEventID].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let (replay, live) = await board.subscribe(after: lastID)
        let clock = self.clock
        let interval = settings.keepAliveInterval
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
            for event in replay { try await writer.write(ByteBuffer(string: event.frame)) }
            let (frames, sink) = AsyncStream<String>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in live { sink.yield(event.frame) }
                    sink.finish()
                }
                group.addTask {
                    while true {
                        try await clock.sleep(for: interval)
                        sink.yield(": keep-alive\n\n")
                    }
                }
                for await frame in frames { try await writer.write(ByteBuffer(string: frame)) }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", HeaderName("X-Accel-Buffering")!: "no"],
            body: body)
    }
}
