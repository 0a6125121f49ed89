import AsyncHTTPClient
import CompanionCore
import Foundation
import NIOCore
import NIOFoundationCompat

/// Speech to text through an OpenAI-compatible `POST <base_url>/audio/transcriptions` (multipart: the
/// file and the model; the answer's `text`). The key comes from an environment variable or a file and
/// is never logged or put in an error.
public struct OpenAITranscriber: Transcribing {
    private let settings: CompanionConfig.Transcription
    private let environment: [String: String]
    private let http: HTTPClient

    public init(settings: CompanionConfig.Transcription, environment: [String: String], http: HTTPClient) {
        self.settings = settings
        self.environment = environment
        self.http = http
    }

    public func transcribe(fileAt path: String) async throws -> String {
        let key = try apiKey()
        guard let audio = FileManager.default.contents(atPath: path) else { throw TranscriptionError("the voice note was not saved") }
        let boundary = "companion-\(UUID().uuidString)"
        var body = Data()
        func field(_ name: String, _ value: String) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        field("model", settings.model)
        field("response_format", "json")
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"voice.ogg\"\r\nContent-Type: audio/ogg\r\n\r\n"
                    .utf8))
        body.append(audio)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))

        let base = settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL
        var request = HTTPClientRequest(url: base + "/audio/transcriptions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(data: body))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(120))
        } catch {
            throw TranscriptionError("the transcription service could not be reached")
        }
        let bytes = try await response.body.collect(upTo: 4 << 20)
        guard response.status.code == 200 else {
            throw TranscriptionError("the transcription service answered HTTP \(response.status.code)")
        }
        struct Answer: Decodable { var text: String }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(buffer: bytes)) else {
            throw TranscriptionError("the transcription service's answer has no text")
        }
        return answer.text
    }

    private func apiKey() throws -> String {
        if let name = settings.apiKeyEnv {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw TranscriptionError("the environment variable \(name) (transcription.api_key_env) is not set")
            }
            return value
        }
        guard let path = settings.apiKeyFile else { throw TranscriptionError("no transcription key is configured") }
        // Checked like the bot token's file: a key other users can read is not used.
        switch SecretFile.read(path) {
        case .success(let key): return key
        case .failure(let problem): throw TranscriptionError(SecretFile.message(problem, what: "the transcription key file", path: path))
        }
    }
}

/// A transcription failure, for the log (never with the key).
struct TranscriptionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
