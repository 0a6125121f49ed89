import CompanionCore
import Foundation
import Logging
import ServiceLifecycle

/// Hands recorded updates to the bot one at a time, in order, and marks each handled afterwards. The
/// poller passes each update down as it recorded it, so nothing is read back from the store.
///
/// What takes long (a download, a transcription) the bot finishes off this path: `handle` returns the
/// task still at work, and the next update is handed over at once. That update is marked handled when
/// its task ends, so a crash meanwhile replays it; the dispatcher ends only after every such task.
public struct UpdateDispatcher: Service {
    /// What is left of handling an update after `handle` returned, if anything.
    public typealias Remainder = Task<Void, Never>

    private let updates: AsyncStream<RecordedUpdate>
    private let store: any UpdateStoring
    private let handle: @Sendable (TelegramUpdate) async -> Remainder?
    private let logger: Logger

    public init(
        updates: AsyncStream<RecordedUpdate>, store: any UpdateStoring,
        handle: @escaping @Sendable (TelegramUpdate) async -> Remainder?,
        logger: Logger = Logger(label: "companion.telegram.dispatch")
    ) {
        self.updates = updates
        self.store = store
        self.handle = handle
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            // Ends when the poller finishes the stream (after shutdown), so nothing recorded is dropped mid-way;
            // the group then waits for the work still running.
            for await recorded in updates {
                let id = recorded.id
                let remainder: Remainder?
                do {
                    let update = try JSONDecoder().decode(TelegramUpdate.self, from: recorded.payload)
                    remainder = await handle(update)
                } catch {
                    logger.error("update could not be handled", metadata: ["update": "\(id)", "error": "\(error)"])
                    remainder = nil
                }
                guard let remainder else {
                    await markHandled(id)
                    continue
                }
                group.addTask {
                    await withTaskCancellationHandler {
                        await remainder.value
                    } onCancel: {
                        remainder.cancel()
                    }
                    await markHandled(id)
                }
            }
        }
    }

    private func markHandled(_ id: Int64) async {
        do {
            try await store.markUpdateHandled(id: id, at: Date())
        } catch {
            logger.error("marking an update handled failed", metadata: ["update": "\(id)", "error": "\(error)"])
        }
    }
}
