import CompanionCore
import Foundation
import Synchronization

/// Telegram updates and the poll offset in memory, deduplicated by update id as the store does.
public final class InMemoryUpdateStore: UpdateStoring {
    private struct State {
        var updates: [(id: Int64, payload: Data, handled: Bool)] = []
        var offset: Int64?
    }

    private let state = Mutex(State())

    public init() {}

    public var offset: Int64? { state.withLock { $0.offset } }
    public var handledIDs: [Int64] { state.withLock { $0.updates.filter(\.handled).map(\.id) } }

    public func markUpdateHandled(id: Int64, at: Date) async throws {
        state.withLock { state in
            if let index = state.updates.firstIndex(where: { $0.id == id }) { state.updates[index].handled = true }
        }
    }

    public func unhandledUpdates() async throws -> [(id: Int64, payload: Data)] {
        state.withLock { $0.updates.filter { !$0.handled }.map { ($0.id, $0.payload) } }
    }

    public func pollOffset() async throws -> Int64? {
        state.withLock { $0.offset }
    }

    public func recordUpdates(_ updates: [RecordedUpdate], receivedAt: Date, nextOffset: Int64) async throws -> [RecordedUpdate] {
        state.withLock { state in
            let fresh = updates.filter { update in !state.updates.contains { $0.id == update.id } }
            state.updates += fresh.map { ($0.id, $0.payload, false) }
            state.offset = nextOffset
            return fresh
        }
    }
}
