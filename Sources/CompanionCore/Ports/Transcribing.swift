/// Turns a voice note into text. The real one calls an OpenAI-compatible `/v1/audio/transcriptions`
/// endpoint; the key is never logged.
public protocol Transcribing: Sendable {
    /// The text spoken in the audio file at `path`.
    func transcribe(fileAt path: String) async throws -> String
}
