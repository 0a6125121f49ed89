import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird router on 127.0.0.1 with a free port, for the fakes. `start` returns once it
/// accepts connections. `stop` shuts it down gracefully: cancelling a serving task while a connection
/// is being accepted trips an assertion in NIO (apple/swift-nio#3481), a graceful shutdown does not.
public final class LoopbackServer: Sendable {
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    public static func start(router: Router<BasicRequestContext>) async throws -> LoopbackServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let logger = Logger(label: "test.server", factory: { _ in SwiftLogNoOpLogHandler() })
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            // Shutdown logs expected errors; keep test output readable.
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            throw LoopbackServerError.didNotStart
        }
        return LoopbackServer(port: port, group: group, task: task)
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting, lets in-flight requests finish (the fakes end their waits first), then returns.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

public enum LoopbackServerError: Error {
    case didNotStart
}
