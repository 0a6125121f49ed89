import CompanionCore
import Foundation

/// The one pacing of message edits: per chat at most one edit per `interval`, and none while Telegram's
/// 429 pause lasts. Every edit the presenter makes (live progress, line counts, the frozen line) goes
/// through here, so edits for several tasks in one chat share the chat's budget.
///
/// The interval counts from the moment Telegram answered the chat's previous edit, not from when that
/// edit was sent: Telegram counts edits as they arrive, and a request slowed on its way (a loaded
/// machine, a slow network) would otherwise arrive closer to the next one than the interval.
actor EditThrottle {
    private let messenger: any ChatMessaging
    private let clock: any TaskClock
    private let interval: Duration
    /// Per chat: when the chat's latest edit ended (its answer came, or it was dropped), set once it has.
    private var latest: [Int64: OneShot<Date>] = [:]
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
        if let until = pausedUntil[chatID], until > clock.now() { return false }
        let previous = latest[chatID]
        let mine = OneShot<Date>()
        latest[chatID] = mine
        guard await waitForTurn(after: previous) else {
            // Not sent: the chat's last edit is still the previous one, so the next edit waits for it.
            if let previous { Task { if let end = await previous.wait() { mine.fulfil(end) } } }
            return false
        }
        var shown = false
        // A 429 may have arrived while this edit waited.
        if pausedUntil[chatID].map({ $0 <= clock.now() }) ?? true {
            switch await messenger.edit(chatID: chatID, messageID: messageID, message: message) {
            case .shown:
                shown = true
            case .rateLimited(let retryAfter):
                pausedUntil[chatID] = clock.now().addingTimeInterval(retryAfter.seconds)
            case .failed:
                break
            }
        }
        mine.fulfil(clock.now())
        return shown
    }

    /// Waits until the previous edit has ended and `interval` has passed since; false if cancelled.
    private func waitForTurn(after previous: OneShot<Date>?) async -> Bool {
        guard let previous else { return true }
        guard let end = await previous.wait() else { return false }
        let slot = end.addingTimeInterval(interval.seconds)
        guard slot > clock.now() else { return true }
        do {
            try await clock.sleep(until: slot)
            return true
        } catch {
            return false
        }
    }
}
