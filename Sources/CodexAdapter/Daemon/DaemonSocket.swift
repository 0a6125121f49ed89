import CompanionCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A WebSocket connection to Codex's daemon over its unix control socket: the app-server's JSON-RPC,
/// one message per text frame (codex-cli.md §8). SwiftNIO's own client upgrader does the handshake and
/// its aggregator joins fragmented messages; what is left here is masking, pings and the close.
struct DaemonSocket: Sendable {
    /// The largest message taken from Codex: a resumed thread or a command's output can be big.
    static let maxMessageSize = 64 << 20

    private let channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
    /// The raw channel, to drop the connection when the daemon does not answer our close.
    private let raw: any Channel

    private init(channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, raw: any Channel) {
        self.channel = channel
        self.raw = raw
    }

    /// Connects and upgrades to WebSocket; throws when nothing listens at `path`, it does not upgrade, or
    /// it takes longer than `limit`.
    static func connect(path: String, limit: Duration) async throws -> DaemonSocket {
        let connected = OneShot<Result<DaemonSocket, any Error>>()
        let attempt = Task {
            do {
                connected.fulfil(.success(try await upgrade(path: path)))
            } catch {
                connected.fulfil(.failure(error))
            }
        }
        guard let result = await connected.wait(upTo: limit) else {
            attempt.cancel()
            // An upgrade that completes after the limit is closed, not leaked.
            Task {
                await attempt.value
                if case .success(let late)? = connected.value { late.abort() }
            }
            throw DaemonSocketError.timedOut
        }
        return try result.get()
    }

    private static func upgrade(path: String) async throws -> DaemonSocket {
        let upgrade: EventLoopFuture<Upgrade> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
                        maxFrameSize: maxMessageSize,
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(
                                    NIOWebSocketFrameAggregator(
                                        minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16,
                                        maxAccumulatedFrameSize: maxMessageSize))
                                let socket = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel)
                                return .upgraded(DaemonSocket(channel: socket, raw: channel))
                            }
                        })
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "localhost")
                    headers.add(name: "Content-Length", value: "0")
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                        upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: headers),
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeCompletedFuture { .refused } })
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: configuration))
                }
            }
        switch try await upgrade.get() {
        case .upgraded(let socket): return socket
        case .refused: throw DaemonSocketError.notUpgraded
        }
    }

    /// Runs `body` with the incoming text messages and a way to send; closes the connection after it.
    func run<Result: Sendable>(
        _ body: (_ messages: DaemonMessages, _ sender: DaemonSender) async throws -> Result
    ) async throws -> Result {
        try await channel.executeThenClose { inbound, outbound in
            let sender = DaemonSender(outbound: outbound)
            return try await body(DaemonMessages(inbound: inbound, sender: sender), sender)
        }
    }

    /// Drops the connection without a closing handshake.
    func abort() {
        raw.close(promise: nil)
    }

    private enum Upgrade {
        case upgraded(DaemonSocket)
        case refused
    }
}

enum DaemonSocketError: Error, CustomStringConvertible {
    case notUpgraded
    case timedOut

    var description: String {
        switch self {
        case .notUpgraded: "Codex's daemon socket did not accept a WebSocket connection"
        case .timedOut: "Codex's daemon did not accept the connection in time"
        }
    }
}

/// Sends text messages and the close; every frame from a client is masked (RFC 6455 §5.3).
struct DaemonSender: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

    func send(_ text: String) async throws {
        try await outbound.write(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)))
    }

    func pong(_ data: ByteBuffer) async throws {
        try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: data))
    }

    /// Starts the closing handshake: the daemon answers with its close and ends the connection.
    func close() async throws {
        var data = ByteBuffer()
        data.write(webSocketErrorCode: .normalClosure)
        try await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data))
    }
}

/// The daemon's text messages, in order, until it closes; pings are answered on the way.
struct DaemonMessages: AsyncSequence, Sendable {
    typealias Element = String
    let inbound: NIOAsyncChannelInboundStream<WebSocketFrame>
    let sender: DaemonSender

    struct AsyncIterator: AsyncIteratorProtocol {
        var frames: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator
        let sender: DaemonSender

        mutating func next() async throws -> String? {
            while let frame = try await frames.next() {
                switch frame.opcode {
                case .text: return String(buffer: frame.unmaskedData)
                case .ping: try? await sender.pong(frame.unmaskedData)
                case .connectionClose: return nil
                default: continue
                }
            }
            return nil
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(frames: inbound.makeAsyncIterator(), sender: sender)
    }
}
