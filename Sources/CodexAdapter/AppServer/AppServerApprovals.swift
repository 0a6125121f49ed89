import CompanionCore
import Logging

/// Codex's approval requests of one run, each answered in a task of its own so that the turn's
/// notifications keep flowing while the user decides.
///
/// Every request gets an answer: the user's decision through the turn channel, `decline` when the run
/// has no channel, `cancel` when the task stops (the approval broker answers so when the control
/// stops). Once Codex has exited nobody waits for an answer any more, so an approver still deciding is
/// cancelled then: a request can never hold the run open.
final class AppServerApprovals: Sendable {
    typealias Pending = (id: JSONValue, request: ApprovalRequest)

    private let connection: AppServerConnection
    private let channel: TurnChannel?
    private let exited: OneShot<Void>
    private let logger: Logger
    private let requests: AsyncStream<Pending>
    private let queue: AsyncStream<Pending>.Continuation

    init(connection: AppServerConnection, channel: TurnChannel?, exited: OneShot<Void>, logger: Logger) {
        self.connection = connection
        self.channel = channel
        self.exited = exited
        self.logger = logger
        (requests, queue) = AsyncStream.makeStream()
    }

    /// Codex's request `id` waits for a decision on `request`.
    func ask(id: JSONValue, _ request: ApprovalRequest) {
        queue.yield((id, request))
    }

    /// No more requests will come (Codex has exited).
    func finish() {
        queue.finish()
    }

    /// Answers the requests as they come; returns once `finish()` was called and every one is answered.
    func answerAll() async {
        await withDiscardingTaskGroup { group in
            for await (id, request) in requests {
                group.addTask {
                    let decision = await self.decide(request)
                    self.logger.info("approval answered", metadata: ["item": "\(request.itemID)", "decision": "\(decision.rawValue)"])
                    self.connection.respond(to: id, result: ["decision": .string(decision.rawValue)])
                }
            }
        }
    }

    /// The decision through the channel, or `.cancel` as soon as Codex has exited (the question is then
    /// withdrawn: the broker marks it expired).
    private func decide(_ request: ApprovalRequest) async -> ApprovalDecision {
        guard let channel else { return .decline }
        let exited = self.exited
        return await withTaskGroup(of: ApprovalDecision?.self) { group in
            group.addTask { await channel.requestApproval(request) }
            group.addTask { await exited.wait() == nil ? nil : .cancel }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .cancel
        }
    }
}
