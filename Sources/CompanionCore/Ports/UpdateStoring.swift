import Foundation

/// Durable record of Telegram updates, so that none is lost on a crash and none is handled twice.
public protocol UpdateStoring: Sendable {
    /// Marks an update as handled; it will not be replayed after a restart.
    func markUpdateHandled(id: Int64, at: Date) async throws
    /// Updates recorded but not yet handled, oldest first: the replay after a crash.
    func unhandledUpdates() async throws -> [(id: Int64, payload: Data)]
    /// The next getUpdates offset, as last persisted.
    func pollOffset() async throws -> Int64?
    /// Records a getUpdates batch and the next offset in one transaction, before the offset moves past
    /// them (deduplicated by update id). Returns the updates not seen before, in order.
    func recordUpdates(_ updates: [RecordedUpdate], receivedAt: Date, nextOffset: Int64) async throws -> [RecordedUpdate]
}

/// An update as recorded: its id and its JSON, handed from the poller to the dispatcher as it is.
public struct RecordedUpdate: Sendable, Equatable {
    public var id: Int64
    public var payload: Data

    public init(id: Int64, payload: Data) {
        self.id = id
        self.payload = payload
    }
}
