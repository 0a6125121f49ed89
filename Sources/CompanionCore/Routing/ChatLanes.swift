import Synchronization

/// Per chat, work that must keep its order without holding up anything else: a photo's download, a voice
/// note's transcription, an album's wait for its last photo, and the prompts sent after them. A chat's
/// jobs run one after another, in the order given; other chats' jobs, and everything outside the lanes
/// (commands, button taps), go on meanwhile.
final class ChatLanes: Sendable {
    private struct Lane {
        var last: Task<Void, Never>
        var number: Int
    }

    private struct State {
        var lanes: [Int64: Lane] = [:]
        var issued = 0
    }

    private let state = Mutex(State())

    /// Whether the chat has a job waiting or running.
    func isBusy(_ chatID: Int64) -> Bool {
        state.withLock { $0.lanes[chatID] != nil }
    }

    /// The chat's newest job, while it has one: it ends after every job given before it.
    func newest(_ chatID: Int64) -> Task<Void, Never>? {
        state.withLock { $0.lanes[chatID]?.last }
    }

    /// Runs `work` after the chat's earlier jobs; returns its task, which ends when `work` has.
    func enqueue(_ chatID: Int64, _ work: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        state.withLock { state in
            state.issued += 1
            let number = state.issued
            let previous = state.lanes[chatID]?.last
            let task = Task {
                await previous?.value
                await work()
                self.finished(chatID, number: number)
            }
            state.lanes[chatID] = Lane(last: task, number: number)
            return task
        }
    }

    /// The lane is free once its newest job has ended.
    private func finished(_ chatID: Int64, number: Int) {
        state.withLock { state in
            if state.lanes[chatID]?.number == number { state.lanes[chatID] = nil }
        }
    }
}
