import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Calls Bot API methods: `POST {base}/bot{token}/{method}` with a JSON body (multipart for files),
/// and decodes the answer's `result`; downloads the files users send (`downloadFile`). Every error it
/// throws has the token redacted. The typed methods (getMe, sendMessage, …) are in
/// `BotAPIClient+Methods.swift`.
public struct BotAPIClient: Sendable {
    public let baseURL: String
    private let token: String
    private let http: HTTPClient
    public let redactor: TokenRedactor

    /// Answers larger than this are cut off as a transport error; a getUpdates batch of 100 is far below.
    static let maximumBodySize = 32 << 20

    public init(baseURL: String, token: String, http: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
        self.redactor = TokenRedactor(token: token)
    }

    /// Calls `method` with `request` encoded as its JSON object and returns the decoded `result`.
    public func call<Request: Encodable, Result: Decodable & Sendable>(
        _ method: BotAPIMethod, _ request: Request, returning: Result.Type = Result.self, timeout: Duration = .seconds(30)
    ) async throws(TelegramAPIError) -> Result {
        let answer = try await post(method, json: request, timeout: timeout)
        return try decodeResult(Result.self, of: method, from: answer)
    }

    /// Uploads a file with multipart/form-data (sendDocument) and returns the decoded `result`.
    func upload<Result: Decodable & Sendable>(
        _ method: BotAPIMethod, fields: [(name: String, value: String)], fileField: String, fileName: String, contents: Data,
        returning: Result.Type = Result.self, timeout: Duration
    ) async throws(TelegramAPIError) -> Result {
        var form = MultipartForm()
        for (name, value) in fields {
            form.add(field: name, value: value)
        }
        form.finish(file: fileField, name: fileName, contents: contents)
        let answer = try await send(method.rawValue, body: form.body, contentType: form.contentType, timeout: timeout)
        return try decodeResult(Result.self, of: method, from: answer)
    }

    /// An HTTP answer: its status and body, not yet read as the Bot API's envelope.
    struct Answer {
        var status: Int
        var body: Data
    }

    /// Encodes `request` as JSON and sends it.
    func post(_ method: BotAPIMethod, json request: some Encodable, timeout: Duration) async throws(TelegramAPIError) -> Answer {
        let body: Data
        do {
            body = try JSONEncoder().encode(request)
        } catch {
            throw .transport("cannot encode \(method) parameters: \(error)")
        }
        return try await send(method.rawValue, body: body, contentType: "application/json", timeout: timeout)
    }

    private func send(_ method: String, body: Data, contentType: String, timeout: Duration) async throws(TelegramAPIError) -> Answer {
        var request = HTTPClientRequest(url: "\(baseURL)/bot\(token)/\(method)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(data: body))
        do {
            let response = try await http.execute(request, timeout: Self.timeAmount(timeout))
            let bytes = try await response.body.collect(upTo: Self.maximumBodySize)
            return Answer(status: Int(response.status.code), body: Data(buffer: bytes))
        } catch {
            throw .transport(redactor.redact("\(method): \(error)"))
        }
    }

    /// The `result` of an `{"ok": true}` answer, decoded; an `{"ok": false}` answer as `.api`.
    func decodeResult<Result: Decodable>(
        _ type: Result.Type, of method: BotAPIMethod, from answer: Answer
    ) throws(TelegramAPIError) -> Result {
        let envelope: BotAPIResponse<Result>
        do {
            envelope = try JSONDecoder().decode(BotAPIResponse<Result>.self, from: answer.body)
        } catch {
            guard let loose = try? JSONDecoder().decode(BotAPIResponse<IgnoredJSON>.self, from: answer.body) else {
                // Front proxies answer 502/504 with HTML: that is a network problem, not an API answer.
                throw .transport("\(method): HTTP \(answer.status) with a non-JSON body")
            }
            guard loose.ok == true else { throw apiError(loose, status: answer.status) }
            throw .unexpectedResult(redactor.redact("\(method): \(error)"))
        }
        guard envelope.ok == true else { throw apiError(envelope, status: answer.status) }
        guard let result = envelope.result else { throw .unexpectedResult("\(method): the answer has no result") }
        return result
    }

    private func apiError<Result>(_ envelope: BotAPIResponse<Result>, status: Int) -> TelegramAPIError {
        .api(
            code: envelope.errorCode ?? status, description: redactor.redact(envelope.description ?? "HTTP \(status)"),
            retryAfter: envelope.parameters?.retryAfter)
    }

    /// Downloads a file that getFile located (its `file_path`) from `{base}/file/bot{token}/{filePath}`
    /// to `destination`, created with mode 0600, and returns its size. The body is streamed to disk; past
    /// `maxBytes` (by its Content-Length, or as it arrives) the download stops and nothing is left at
    /// `destination`, as after any other failure.
    public func downloadFile(
        _ filePath: String, to destination: String, maxBytes: Int, timeout: Duration = .seconds(120)
    ) async throws(FileDownloadError) -> Int {
        let escapedPath = filePath.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? filePath
        var request = HTTPClientRequest(url: "\(baseURL)/file/bot\(token)/\(escapedPath)")
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: Self.timeAmount(timeout))
        } catch {
            throw .transfer(.transport(redactor.redact("file download: \(error)")))
        }
        guard response.status == .ok else {
            // The file server answers errors with the Bot API's envelope (404 for an expired path).
            let status = Int(response.status.code)
            let body = (try? await response.body.collect(upTo: 64 << 10)).map { Data(buffer: $0) } ?? Data()
            let envelope = try? JSONDecoder().decode(BotAPIResponse<IgnoredJSON>.self, from: body)
            throw .transfer(envelope.map { apiError($0, status: status) } ?? .transport("file download: HTTP \(status)"))
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
            throw .tooBig(bytes: length)
        }
        let file: DownloadingFile
        do {
            file = try DownloadingFile(creating: destination)
        } catch {
            throw .localFile(error.description)
        }
        var received = 0
        do {
            for try await buffer in response.body {
                received += buffer.readableBytes
                // Leaving the loop drops the body, which ends the request.
                guard received <= maxBytes else { break }
                try file.append(buffer)
            }
        } catch let error as DownloadingFile.Failure {
            file.discard()
            throw .localFile(error.description)
        } catch {
            file.discard()
            throw .transfer(.transport(redactor.redact("file download: \(error)")))
        }
        guard received <= maxBytes else {
            file.discard()
            throw .tooBig(bytes: nil)
        }
        do {
            try file.finish()
        } catch {
            file.discard()
            throw .localFile(error.description)
        }
        return received
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
