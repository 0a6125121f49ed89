import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A real headless Chromium driven over WebDriver (Debian's `chromium` and `chromium-driver`): the
/// dashboard's browser tests open pages, fill forms, click, wait for text and take screenshots with it.
public final class HeadlessBrowser: Sendable {
    public static var chromedriver: String? {
        ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static var chromium: String? {
        ["/usr/bin/chromium", "/usr/lib/chromium/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Browser tests run where Chromium is installed, and always in CI (where a missing one must fail).
    public static var shouldRun: Bool {
        (chromedriver != nil && chromium != nil) || ProcessInfo.processInfo.environment["CI"] != nil
    }

    public static let missingMessage = "Chromium is missing: `apt-get install chromium chromium-driver` to run the browser tests"

    private let http: HTTPClient
    private let base: String
    private let session: String

    private init(http: HTTPClient, base: String, session: String) {
        self.http = http
        self.base = base
        self.session = session
    }

    /// Starts chromedriver on a free port, opens a headless browser in it, runs `body`, and always closes both.
    public static func with<T: Sendable>(_ body: @escaping @Sendable (HeadlessBrowser) async throws -> T) async throws -> T {
        guard let driver = chromedriver, let binary = chromium else { throw TestSupportError(missingMessage) }
        let port = Int.random(in: 20_000...40_000)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let result: T
        do {
            result = try await run(driver: driver, binary: binary, port: port, http: http, body)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try? await http.shutdown()
        return result
    }

    private static func run<T: Sendable>(
        driver: String, binary: String, port: Int, http: HTTPClient, _ body: @escaping @Sendable (HeadlessBrowser) async throws -> T
    ) async throws -> T {
        try await Subprocess.run(
            .path(FilePath(driver)), arguments: ["--port=\(port)", "--allowed-ips=127.0.0.1"],
            input: .none, output: .discarded, error: .discarded
        ) { execution -> T in
            defer { try? execution.send(signal: .terminate) }
            let base = "http://127.0.0.1:\(port)"
            // chromedriver answers /status once it listens.
            let deadline = ContinuousClock.now + .seconds(30)
            while (try? await request(http, "GET", base + "/status")) == nil {
                guard ContinuousClock.now < deadline else { throw TestSupportError("chromedriver did not start") }
                try await Task.sleep(for: .milliseconds(100))
            }
            let capabilities: [String: Any] = [
                "capabilities": [
                    "alwaysMatch": [
                        "browserName": "chrome",
                        "goog:chromeOptions": [
                            "binary": binary,
                            "args": [
                                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                            ],
                        ],
                    ]
                ]
            ]
            let created = try await request(http, "POST", base + "/session", capabilities)
            guard let session = (created["value"] as? [String: Any])?["sessionId"] as? String else {
                throw TestSupportError("no WebDriver session: \(created)")
            }
            // Finding an element waits for it to appear (a page may still be loading or swapping in live parts).
            _ = try await request(http, "POST", base + "/session/\(session)/timeouts", ["implicit": 30_000, "pageLoad": 60_000])
            let browser = HeadlessBrowser(http: http, base: base, session: session)
            do {
                let value = try await body(browser)
                _ = try? await request(http, "DELETE", base + "/session/\(session)")
                return value
            } catch {
                _ = try? await request(http, "DELETE", base + "/session/\(session)")
                throw error
            }
        }.closureResult
    }

    public func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    /// Sets a field's value and fires the events a person's typing would.
    public func type(_ text: String, into selector: String) async throws {
        let element = try await find(selector)
        _ = try await command("POST", "/element/\(element)/clear", [:])
        _ = try await command("POST", "/element/\(element)/value", ["text": text])
    }

    public func click(_ selector: String) async throws {
        let element = try await find(selector)
        _ = try await command("POST", "/element/\(element)/click", [:])
    }

    /// Runs JavaScript in the page and returns its result.
    public func evaluate(_ script: String) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": [] as [Any]])["value"]
    }

    /// The page's visible text.
    public func text() async throws -> String {
        (try await evaluate("return document.body ? document.body.innerText : ''") as? String) ?? ""
    }

    public func currentURL() async throws -> String {
        (try await command("GET", "/url", nil)["value"] as? String) ?? ""
    }

    /// Polls the page until `condition` holds on its text (the page updates itself from the server's
    /// events); fails after `timeout` with the text it last saw.
    public func waitForText(
        timeout: Duration = .seconds(60), _ what: String, _ condition: @Sendable (String) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = (try? await text()) ?? ""
            if condition(last) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestSupportError("timed out waiting for \(what); the page shows: \(last.prefix(600))")
    }

    /// A PNG of the window, written to `path`.
    public func screenshot(to path: String) async throws {
        guard let encoded = try await command("GET", "/screenshot", nil)["value"] as? String, let data = Data(base64Encoded: encoded)
        else {
            throw TestSupportError("no screenshot")
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }

    private func find(_ selector: String) async throws -> String {
        let found = try await command("POST", "/element", ["using": "css selector", "value": selector])
        guard let value = found["value"] as? [String: Any], let id = value.values.first as? String else {
            throw TestSupportError("no element \(selector): \(found)")
        }
        return id
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        try await Self.request(http, method, base + "/session/\(session)" + path, body)
    }

    private static func request(
        _ http: HTTPClient, _ method: String, _ url: String, _ body: [String: Any]? = nil
    ) async throws
        -> [String: Any]
    {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let object = (try JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        if response.status.code >= 400 {
            throw TestSupportError(
                "WebDriver \(method) \(url) → \(response.status.code): \(String(describing: object["value"]).prefix(400))")
        }
        return object
    }
}
