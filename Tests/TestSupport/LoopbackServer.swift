import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird router on 127.0.0.1 with a free port, for the fakes. The server lives in a task
/// that `stop()` cancels; `start` returns once it accepts connections.
public final class LoopbackServer: Sendable {
    public let port: Int
    private let task: Task<Void, Error>

    private init(port: Int, task: Task<Void, Error>) {
        self.port = port
        self.task = task
    }

    public static func start(router: Router<BasicRequestContext>) async throws -> LoopbackServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            // Shutdown at the end of each test logs expected cancellation errors: keep test output readable.
            logger: Logger(label: "test.server", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw LoopbackServerError.didNotStart
        }
        return LoopbackServer(port: port, task: task)
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

public enum LoopbackServerError: Error {
    case didNotStart
}
