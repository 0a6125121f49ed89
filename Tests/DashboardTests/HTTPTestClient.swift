import Foundation

#if canImport(Glibc)
import Glibc

private let posixClose = Glibc.close
private let posixShutdown = Glibc.shutdown
#elseif canImport(Darwin)
import Darwin

private let posixClose = Darwin.close
private let posixShutdown = Darwin.shutdown
#endif

/// A reply as it came over the wire.
struct HTTPReply: Sendable {
    var status: Int
    /// Names lowercased, in order.
    var headers: [(name: String, value: String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.name == name.lowercased() }?.value
    }
}

/// A tiny HTTP/1.1 client on a plain socket, so that a test controls every byte: any Host and Origin,
/// no redirects followed, no cookies kept. Blocking socket calls run on threads of their own, never on
/// the test's cooperative threads; every read gives up after `timeout` (a hung server fails the test).
struct HTTPTestClient: Sendable {
    var port: Int
    var timeout: TimeInterval = 20

    /// Sends one request (`Connection: close`) and reads the whole reply. `host` nil: 127.0.0.1:<port>.
    func send(
        _ method: String, _ path: String, host: String? = nil, headers: [String: String] = [:], body: String? = nil
    ) async throws -> HTTPReply {
        let request = Self.request(method, path, host: host ?? "127.0.0.1:\(port)", headers: headers, body: body)
        let port = self.port
        let timeout = self.timeout
        return try await Self.blocking {
            let socket = try TestSocket(port: port, timeout: timeout)
            defer { socket.close() }
            try socket.write(request)
            var data: [UInt8] = []
            while let chunk = try socket.read() { data += chunk }
            return try Self.parse(data)
        }
    }

    static func request(_ method: String, _ path: String, host: String, headers: [String: String], body: String?) -> String {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: \(host)", "Connection: close"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        if let body { lines.append("Content-Length: \(body.utf8.count)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
    }

    /// Runs blocking work on a thread of its own: not on the cooperative pool, and not on dispatch's
    /// global queues either (on Linux they share the CPUs' few threads with the pool, and a blocked read
    /// there holds up the server it waits for until dispatch adds a thread, about a second later).
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// The status line and headers; the rest is the body (de-chunked when sent in chunks).
    static func parseHead(_ text: String) throws -> (status: Int, headers: [(name: String, value: String)]) {
        let lines = text.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw TestSocket.Failure.malformed(lines[0]) }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return (status, headers)
    }

    private static func parse(_ data: [UInt8]) throws -> HTTPReply {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = data.firstRange(of: separator) else { throw TestSocket.Failure.malformed("no end of headers") }
        let head = try parseHead(String(decoding: data[..<end.lowerBound], as: UTF8.self))
        var body = Array(data[end.upperBound...])
        if head.headers.contains(where: { $0.name == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            var decoder = ChunkDecoder()
            body = decoder.feed(body)
        }
        return HTTPReply(status: head.status, headers: head.headers, body: String(decoding: body, as: UTF8.self))
    }
}

/// Undoes `Transfer-Encoding: chunked`, fed bytes as they arrive.
struct ChunkDecoder {
    private var pending: [UInt8] = []
    private(set) var ended = false

    /// The payload bytes complete so far.
    mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        pending += bytes
        var payload: [UInt8] = []
        let newline: [UInt8] = [13, 10]
        while !ended, let lineEnd = pending.firstRange(of: newline) {
            let sizeText = String(decoding: pending[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { break }
            guard pending.count >= lineEnd.upperBound + size + 2 else { break }
            payload += pending[lineEnd.upperBound..<lineEnd.upperBound + size]
            pending.removeFirst(lineEnd.upperBound + size + 2)
            if size == 0 { ended = true }
        }
        return payload
    }
}

/// A connected TCP socket to 127.0.0.1 with a read timeout.
final class TestSocket: Sendable {
    enum Failure: Error {
        case socket(String)
        case malformed(String)
        case timedOut
    }

    let descriptor: Int32

    init(port: Int, timeout: TimeInterval) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure.socket("socket: \(errno)") }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            _ = posixClose(fd)
            throw Failure.socket("connect: \(errno)")
        }
        descriptor = fd
    }

    func write(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Self.noSignal) }
            guard written > 0 else { throw Failure.socket("send: \(errno)") }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The next bytes; nil at the end of the stream (or once `shutdown` was called).
    func read() throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 { return Array(buffer[..<count]) }
        if count == 0 { return nil }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure.timedOut }
        if errno == EINTR { return [] }
        return nil
    }

    /// Whether the server has closed the connection, without waiting (what it sent meanwhile is dropped).
    func peerClosed() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 { return true }
            if count > 0 { continue }
            if errno == EINTR { continue }
            return errno != EAGAIN && errno != EWOULDBLOCK
        }
    }

    /// Waits until the server has closed at least `count` of `sockets` (blocking: call it on a thread of
    /// its own), or `timeout` has passed; returns how many it has closed.
    static func waitUntilClosed(_ sockets: [TestSocket], count: Int, timeout: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let open = sockets.filter { !$0.peerClosed() }
            let closed = sockets.count - open.count
            let left = deadline.timeIntervalSinceNow
            if closed >= count || left <= 0 || open.isEmpty { return closed }
            var descriptors = open.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            _ = poll(&descriptors, nfds_t(descriptors.count), Int32(min(left, 1) * 1000))
        }
    }

    /// Closes with a reset instead of an orderly close, so that the server notices at once.
    func reset() {
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// A write to a connection the server closed fails with EPIPE instead of killing the test process.
    #if os(Linux)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let noSignal: Int32 = 0
    #endif

    /// Wakes a blocked `read` (it returns nil).
    func shutdown() {
        _ = posixShutdown(descriptor, Int32(SHUT_RDWR))
    }

    func close() {
        _ = posixClose(descriptor)
    }
}
