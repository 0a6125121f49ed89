import CompanionCore
import Foundation
import Logging
import ServiceLifecycle

/// Hands recorded updates to the bot one at a time, in order, and marks each handled afterwards. The
/// poller passes each update down as it recorded it, so nothing is read back from the store.
public struct UpdateDispatcher: Service {
    private let updates: AsyncStream<RecordedUpdate>
    private let store: any UpdateStoring
    private let handle: @Sendable (TelegramUpdate) async -> Void
    private let logger: Logger

    public init(
        updates: AsyncStream<RecordedUpdate>, store: any UpdateStoring,
        handle: @escaping @Sendable (TelegramUpdate) async -> Void,
        logger: Logger = Logger(label: "companion.telegram.dispatch")
    ) {
        self.updates = updates
        self.store = store
        self.handle = handle
        self.logger = logger
    }

    public func run() async throws {
        // Ends when the poller finishes the stream (after shutdown), so nothing recorded is dropped mid-way.
        for await recorded in updates {
            let id = recorded.id
            do {
                let update = try JSONDecoder().decode(TelegramUpdate.self, from: recorded.payload)
                await handle(update)
            } catch {
                logger.error("update could not be handled", metadata: ["update": "\(id)", "error": "\(error)"])
            }
            do {
                try await store.markUpdateHandled(id: id, at: Date())
            } catch {
                logger.error("marking an update handled failed", metadata: ["update": "\(id)", "error": "\(error)"])
            }
        }
    }
}
