import CompanionCore
import Synchronization

/// The desk's approval requests Codex waits on, by thread and the daemon's request id.
final class OpenDeskRequests: Sendable {
    private let requests = Mutex<[String: [String: DeskApproval]]>([:])

    func add(_ approval: DeskApproval, id: JSONValue) {
        requests.withLock { $0[approval.threadID, default: [:]][id.line] = approval }
    }

    /// Codex no longer waits for request `id` of `thread`.
    func withdraw(thread: String, id: JSONValue, _ why: DeskWithdrawal) {
        let approval = requests.withLock { $0[thread]?.removeValue(forKey: id.line) }
        approval?.withdrawn.fulfil(why)
    }

    /// The thread's turn ended: none of its requests waits any more.
    func withdrawAll(thread: String) {
        let approvals = requests.withLock { $0.removeValue(forKey: thread) } ?? [:]
        for approval in approvals.values { approval.withdrawn.fulfil(.turnEnded) }
    }

    /// The connection ended: nothing here can be answered any more.
    func withdrawAll() {
        let all = requests.withLock { requests in
            defer { requests = [:] }
            return requests.values.flatMap(\.values)
        }
        for approval in all { approval.withdrawn.fulfil(.turnEnded) }
    }
}
