import CompanionCore
import Foundation

/// The one pacing of message edits: per chat at most one edit per `interval`, and none while Telegram's
/// 429 pause lasts. Every edit the presenter makes (live progress, line counts, the frozen line) goes
/// through here, so edits for several tasks in one chat share the chat's budget.
actor EditThrottle {
    private let messenger: any ChatMessaging
    private let clock: any TaskClock
    private let interval: Duration
    /// Per chat: the time the next edit may go out (reserved by the edit that set it).
    private var nextSlot: [Int64: Date] = [:]
    /// Per chat: no edit before this time (a 429's retry_after).
    private var pausedUntil: [Int64: Date] = [:]

    init(messenger: any ChatMessaging, clock: any TaskClock, interval: Duration) {
        self.messenger = messenger
        self.clock = clock
        self.interval = interval
    }

    /// Edits the message once the chat's turn comes; false when it was not shown (paused, cancelled while
    /// waiting, or failed), so the caller sends its newest state next time.
    func edit(chatID: Int64, messageID: Int64, message: RenderedMessage) async -> Bool {
        let now = clock.now()
        if let until = pausedUntil[chatID], until > now { return false }
        let slot = max(now, nextSlot[chatID] ?? now)
        nextSlot[chatID] = slot.addingTimeInterval(interval.seconds)
        if slot > now {
            do {
                try await clock.sleep(until: slot)
            } catch {
                return false
            }
        }
        // A 429 may have arrived while this edit waited.
        if let until = pausedUntil[chatID], until > clock.now() { return false }
        switch await messenger.edit(chatID: chatID, messageID: messageID, message: message) {
        case .shown:
            return true
        case .rateLimited(let retryAfter):
            pausedUntil[chatID] = clock.now().addingTimeInterval(retryAfter.seconds)
            return false
        case .failed:
            return false
        }
    }
}
