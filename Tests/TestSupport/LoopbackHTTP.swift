import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Plain HTTP to a server of the project on loopback, with the headers a test sets by hand (Host,
/// Origin, cookies, CSRF), as another local program or a browser would send them.
public struct LoopbackHTTP: Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    private let http: HTTPClient

    public init() {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    public func get(_ url: String, headers: [String: String] = [:]) async throws -> Reply {
        try await send("GET", url, headers: headers, body: nil)
    }

    public func post(_ url: String, headers: [String: String] = [:], body: String) async throws -> Reply {
        try await send("POST", url, headers: headers, body: body)
    }

    public func send(_ method: String, _ url: String, headers: [String: String], body: String?) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: bytes))
    }

    /// Reads a Server-Sent Events stream until `stop` says enough (given the events so far, as
    /// (id, data) pairs) or `timeout` passes; returns what arrived.
    public func events(
        _ url: String, headers: [String: String], timeout: Duration = .seconds(60),
        until stop: @Sendable ([(id: String?, data: String)]) -> Bool
    ) async throws -> [(id: String?, data: String)] {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        var seen: [(id: String?, data: String)] = []
        var pending = ""
        var id: String?
        var data: [String] = []
        let deadline = ContinuousClock.now + timeout
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let newline = pending.firstIndex(of: "\n") {
                let line = String(pending[..<newline])
                pending = String(pending[pending.index(after: newline)...])
                if line.isEmpty {
                    if !data.isEmpty { seen.append((id, data.joined(separator: "\n"))) }
                    id = nil
                    data = []
                    if stop(seen) { return seen }
                } else if line.hasPrefix("id:") {
                    id = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                } else if line.hasPrefix("data:") {
                    data.append(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
                }
            }
            if ContinuousClock.now > deadline { break }
        }
        return seen
    }
}
