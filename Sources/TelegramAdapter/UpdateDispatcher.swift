import CompanionCore
import Foundation
import Logging
import ServiceLifecycle

/// Hands recorded updates to the bot one at a time, in order, and marks each handled afterwards.
public struct UpdateDispatcher: Service {
    private let updates: AsyncStream<Int64>
    private let store: any UpdateStoring
    private let payloads: @Sendable (Int64) async throws -> Data?
    private let handle: @Sendable (TelegramUpdate) async -> Void
    private let logger: Logger

    public init(updates: AsyncStream<Int64>, store: any UpdateStoring, payloads: @escaping @Sendable (Int64) async throws -> Data?,
                handle: @escaping @Sendable (TelegramUpdate) async -> Void,
                logger: Logger = Logger(label: "companion.telegram.dispatch")) {
        self.updates = updates
        self.store = store
        self.payloads = payloads
        self.handle = handle
        self.logger = logger
    }

    public func run() async throws {
        // Ends when the poller finishes the stream (after shutdown), so nothing recorded is dropped mid-way.
        for await id in updates {
            do {
                if let data = try await payloads(id) {
                    let update = try JSONDecoder().decode(TelegramUpdate.self, from: data)
                    await handle(update)
                }
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
