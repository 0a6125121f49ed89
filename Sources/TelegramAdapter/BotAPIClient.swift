import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Calls Bot API methods: `POST {base}/bot{token}/{method}` with a JSON body (multipart for files).
/// Every error it throws is a `TelegramAPIError` with the token redacted.
public struct BotAPIClient: Sendable {
    public let baseURL: String
    private let token: String
    private let http: HTTPClient
    public let redactor: TokenRedactor

    public init(baseURL: String, token: String, http: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
        self.redactor = TokenRedactor(token: token)
    }

    /// Calls `method` with a JSON object and returns the decoded `result` (any JSON value).
    public func call(_ method: String, _ parameters: [String: Any] = [:], timeout: Duration = .seconds(30)) async throws(TelegramAPIError) -> Any {
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: parameters)
        } catch {
            throw .transport("cannot encode \(method) parameters: \(error)")
        }
        return try await call(method, json: body, timeout: timeout)
    }

    /// Calls `method` with an already encoded JSON body.
    public func call(_ method: String, json body: Data, timeout: Duration = .seconds(30)) async throws(TelegramAPIError) -> Any {
        try await send(method, body: body, contentType: "application/json", timeout: timeout)
    }

    public static func encode(_ parameters: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: parameters)) ?? Data("{}".utf8)
    }

    /// Uploads a file with multipart/form-data (sendDocument and friends).
    public func upload(_ method: String, fields: [String: String], fileField: String, fileName: String, contents: Data,
                       timeout: Duration = .seconds(120)) async throws(TelegramAPIError) -> Any {
        let boundary = "companion-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        let safeName = fileName.replacingOccurrences(of: "\"", with: "")
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"\(safeName)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(contents)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await send(method, body: body, contentType: "multipart/form-data; boundary=\(boundary)", timeout: timeout)
    }

    private func send(_ method: String, body: Data, contentType: String, timeout: Duration) async throws(TelegramAPIError) -> Any {
        var request = HTTPClientRequest(url: "\(baseURL)/bot\(token)/\(method)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(data: body))
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 32 << 20)
        } catch {
            throw .transport(redactor.redact("\(method): \(error)"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any] else {
            // Front proxies answer 502/504 with HTML: that is a network problem, not an API answer.
            throw .transport("\(method): HTTP \(status) with a non-JSON body")
        }
        if object["ok"] as? Bool == true {
            return object["result"] ?? NSNull()
        }
        let code = object["error_code"] as? Int ?? status
        let description = redactor.redact(object["description"] as? String ?? "HTTP \(status)")
        let retryAfter = (object["parameters"] as? [String: Any])?["retry_after"] as? Int
        throw .api(code: code, description: description, retryAfter: retryAfter)
    }
}
