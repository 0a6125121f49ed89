import Foundation

/// Keeps strangers from filling the disk. Each sender outside the allowlist gets a window of an hour:
/// its first message (or tap) is logged and audited like any other; the rest of that hour are only
/// counted, and once the window has closed one summary says how many there were. However fast a
/// stranger writes, that is at most two log lines, activity lines and audit rows an hour per sender.
/// At most `maximumTracked` senders are followed at once; past that the oldest window closes early.
///
/// Windows close when the router next handles something (from anyone) after their hour: no timer runs,
/// so nothing waits at shutdown (repeats still being counted when the daemon stops go unsummarised).
struct StrangerTally {
    /// Repeats from one sender in one window, reported together.
    struct Summary: Equatable, Sendable {
        var sender: Int64
        var userID: Int64?
        var requester: Requester
        var repeats: Int
        /// When the window began: its first message.
        var since: Date
    }

    private struct Window {
        var start: Date
        var userID: Int64?
        var requester: Requester
        var repeats: Int
    }

    let window: TimeInterval
    let maximumTracked: Int
    private var open: [Int64: Window] = [:]

    init(window: TimeInterval = 3600, maximumTracked: Int = 1000) {
        self.window = window
        self.maximumTracked = maximumTracked
    }

    /// A message or tap from `sender` at `now`: true when it is the first of its window (log and audit
    /// it). Following a new sender may close the oldest window early: its summary is `evicted`.
    mutating func note(
        _ sender: Int64, userID: Int64?, requester: Requester, at now: Date
    ) -> (first: Bool, evicted: Summary?) {
        if var current = open[sender], current.start.addingTimeInterval(window) > now {
            current.repeats += 1
            open[sender] = current
            return (false, nil)
        }
        var evicted: Summary?
        if let ended = open.removeValue(forKey: sender), ended.repeats > 0 {
            evicted = Self.summary(sender, ended)
        } else if open.count >= maximumTracked, let oldest = open.min(by: { $0.value.start < $1.value.start }) {
            open[oldest.key] = nil
            if oldest.value.repeats > 0 { evicted = Self.summary(oldest.key, oldest.value) }
        }
        open[sender] = Window(start: now, userID: userID, requester: requester, repeats: 0)
        return (true, evicted)
    }

    /// Ends the windows whose hour is over by `now` and returns those with repeats, oldest first.
    mutating func close(endedBy now: Date) -> [Summary] {
        let ended = open.filter { $0.value.start.addingTimeInterval(window) <= now }
        guard !ended.isEmpty else { return [] }
        for sender in ended.keys { open[sender] = nil }
        return ended.filter { $0.value.repeats > 0 }.map { Self.summary($0.key, $0.value) }.sorted { $0.since < $1.since }
    }

    private static func summary(_ sender: Int64, _ window: Window) -> Summary {
        Summary(sender: sender, userID: window.userID, requester: window.requester, repeats: window.repeats, since: window.start)
    }
}
