import Foundation

/// Telegram sends an album as one message per photo with a shared media group id, and no signal that
/// the album is complete. The collector gathers a group's messages until none has arrived for `wait`,
/// then hands them over as one.
public actor MediaGroupCollector {
    private struct Group {
        var messages: [IncomingMessage]
        var lastArrival: Date
    }

    private let wait: Duration
    private let clock: any TaskClock
    private var groups: [String: Group] = [:]

    public init(wait: Duration = .milliseconds(1500), clock: any TaskClock = SystemClock()) {
        self.wait = wait
        self.clock = clock
    }

    /// Adds a message of an album; true when it is the group's first (the caller then waits with `complete`).
    public func offer(_ message: IncomingMessage, group: String) -> Bool {
        let key = "\(message.chatID)/\(group)"
        if groups[key] != nil {
            groups[key]?.messages.append(message)
            groups[key]?.lastArrival = clock.now()
            return false
        }
        groups[key] = Group(messages: [message], lastArrival: clock.now())
        return true
    }

    /// Returns the group's messages, in arrival order, once it has been quiet for `wait`.
    public func complete(chatID: Int64, group: String) async -> [IncomingMessage] {
        let key = "\(chatID)/\(group)"
        while let entry = groups[key] {
            let due = entry.lastArrival.addingTimeInterval(wait.seconds)
            if clock.now() >= due { break }
            do {
                try await clock.sleep(until: due)
            } catch {
                break
            }
        }
        return groups.removeValue(forKey: key)?.messages ?? []
    }
}
