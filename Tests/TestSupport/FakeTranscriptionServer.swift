import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A fake OpenAI-compatible speech-to-text service on loopback: `POST /v1/audio/transcriptions` with a
/// multipart body (`file`, `model`) and a bearer key, answering `{"text": …}` as the real one does.
public final class FakeTranscriptionServer: Sendable {
    public struct Received: Sendable, Equatable {
        public var model: String
        public var audio: Data
        public var authorization: String
    }

    private struct State {
        var text = "hello"
        var received: [Received] = []
    }

    public let key: String
    private let state = Mutex(State())
    private let server: LoopbackServer

    private init(key: String, server: LoopbackServer) {
        self.key = key
        self.server = server
    }

    public static func start(key: String = "sk-test-transcription-key") async throws -> FakeTranscriptionServer {
        let box = Box()
        let router = Router()
        router.post("/v1/audio/transcriptions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 32 << 20)
            guard let fake = box.server else { return Response(status: .serviceUnavailable) }
            return fake.answer(
                body: Data(buffer: body), contentType: request.headers[.contentType] ?? "",
                authorization: request.headers[.authorization] ?? "")
        }
        let server = try await LoopbackServer.start(router: router)
        let fake = FakeTranscriptionServer(key: key, server: server)
        box.server = fake
        return fake
    }

    /// `…/v1`, for the config's `transcription.base_url`.
    public var baseURL: String { server.baseURL + "/v1" }

    /// What the service hears from now on.
    public func hear(_ text: String) {
        state.withLock { $0.text = text }
    }

    public var received: [Received] { state.withLock { $0.received } }

    public func stop() async {
        await server.stop()
    }

    private func answer(body: Data, contentType: String, authorization: String) -> Response {
        guard authorization == "Bearer \(key)" else {
            return FakeTelegramServer.json(["error": ["message": "Incorrect API key provided"]], status: 401)
        }
        let fields = FakeTelegramServer.multipartFields(body, contentType: contentType)
        guard let model = fields["model"] as? String, let file = fields["file"] as? (String, Data) else {
            return FakeTelegramServer.json(["error": ["message": "file and model are required"]], status: 400)
        }
        let text = state.withLock { state -> String in
            state.received.append(Received(model: model, audio: file.1, authorization: authorization))
            return state.text
        }
        return FakeTelegramServer.json(["text": text], status: 200)
    }
}

private final class Box: @unchecked Sendable {
    var server: FakeTranscriptionServer?
}
