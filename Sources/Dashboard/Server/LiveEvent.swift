import Foundation

/// One Server-Sent Event of `/events`: a small JSON about what just happened to a task. `type` is the
/// task event's name (queued, started, progressed, finished, notRun, approvalRequested,
/// approvalResolved), also the SSE event name the page script listens to.
struct LiveEvent: Sendable, Equatable, Encodable {
    var id: Int
    var type: String
    var taskID: Int64
    var project: String
    /// queued, running, waiting, done, failed, cancelled, interrupted.
    var status: String
    /// The live progress text (or, at the end, its one-line record).
    var progress: String?
    var approvalID: String?
    /// The place in line of a queued task.
    var position: Int?

    /// The SSE frame: `id`, `event`, `data` (one line of JSON) and a blank line.
    var frame: String {
        let data = (try? Self.encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(id)\nevent: \(type)\ndata: \(data)\n\n"
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
