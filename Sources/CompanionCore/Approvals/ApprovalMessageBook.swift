import Synchronization

/// Which chat message shows which approval request, while it waits: the presenter writes it when it posts
/// the request, and the router reads it so /status can point at the message. Kept in memory only: after
/// a restart the requests are gone too (their buttons answer "expired").
public final class ApprovalMessageBook: Sendable {
    /// Each request's message in each chat it was posted to (a desk turn's request goes to every chat
    /// that hears of the project's desk turns).
    private let messages = Mutex<[ApprovalID: [Int64: Int64]]>([:])

    public init() {}

    public func note(_ id: ApprovalID, chatID: Int64, messageID: Int64) {
        messages.withLock { $0[id, default: [:]][chatID] = messageID }
    }

    public func forget(_ id: ApprovalID, chatID: Int64) {
        messages.withLock { messages in
            messages[id]?[chatID] = nil
            if messages[id]?.isEmpty == true { messages[id] = nil }
        }
    }

    /// The message of the request in `chatID`, if it was posted there.
    public func messageID(of id: ApprovalID, in chatID: Int64) -> Int64? {
        messages.withLock { $0[id]?[chatID] }
    }
}
