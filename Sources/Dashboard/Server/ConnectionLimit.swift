import Logging
import NIOCore
import Synchronization

/// At most `maximum` dashboard connections open at once. Hummingbird's own limit only stops accepting,
/// which leaves the next connections waiting in the kernel's queue behind a flood; this one accepts them
/// and closes each over the limit at once, so the daemon never holds more descriptors than the limit and a
/// client over it learns so at once. With the idle timeout, a flood's silent connections are gone within
/// seconds and the dashboard answers again.
final class ConnectionLimit: Sendable {
    private struct Count {
        var open = 0
        /// Whether the last connection was refused: a flood is logged once, not once per connection.
        var refusing = false
    }

    let maximum: Int
    private let count = Mutex(Count())
    private let logger: Logger

    init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    /// The handler one connection's pipeline gets (each connection has its own).
    func handler() -> ConnectionLimiter {
        ConnectionLimiter(limit: self)
    }

    /// Counts a new connection in, when there is room.
    fileprivate func admit() -> Bool {
        let (admitted, firstRefusal) = count.withLock { count -> (Bool, Bool) in
            guard count.open < maximum else {
                defer { count.refusing = true }
                return (false, !count.refusing)
            }
            count.open += 1
            count.refusing = false
            return (true, false)
        }
        if firstRefusal {
            logger.warning(
                "the dashboard closes new connections: too many are open (a local program may be flooding it)",
                metadata: ["limit": "\(maximum)"])
        }
        return admitted
    }

    fileprivate func release() {
        count.withLock { $0.open -= 1 }
    }
}

/// Counts its connection in when it becomes active and out when it closes; over the limit it closes the
/// connection before anything reads from it. Every read passes through untouched.
final class ConnectionLimiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let limit: ConnectionLimit
    private var counted = false

    fileprivate init(limit: ConnectionLimit) {
        self.limit = limit
    }

    func channelActive(context: ChannelHandlerContext) {
        guard limit.admit() else {
            context.close(promise: nil)
            return
        }
        counted = true
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func release() {
        guard counted else { return }
        counted = false
        limit.release()
    }
}
