import CompanionCore
import Foundation
import Synchronization

/// The desk turns under way, one per thread, folded from their notifications: written by the reader,
/// and by the task that follows threads when one already runs a turn as it is followed.
final class TurnFolds: Sendable {
    private struct Fold {
        var mapper = AppServerEventMapper()
        var record = TurnRecord()
        var progress: ProgressState
        let startedAt: Date
        /// Begun in the middle of the turn (it ran when its thread was followed): what came before is
        /// missing, so the whole turn is read back when it ends.
        var partial = false

        init(thread: String, startedAt: Date = Date()) {
            self.startedAt = startedAt
            progress = ProgressState(project: "", session: .new, startedAt: startedAt)
            record.apply(.threadStarted(threadID: thread))
        }

        func progress(thread: String, repoPath: String) -> DeskWatcher.Event {
            .turnProgressed(
                DeskTurnProgress(
                    threadID: thread, repoPath: repoPath, startedAt: startedAt, doing: progress.current, steps: progress.steps))
        }
    }

    private struct State {
        var folds: [String: Fold] = [:]
        /// Each thread's last turn told as ended: the same turn is never told twice (it may be read back
        /// with `thread/turns/list` and also end by notification).
        var lastEnded: [String: String] = [:]
    }

    private let state = Mutex(State())

    /// What a file change item of `thread`'s turn proposed (its approval request names only the item).
    func proposal(thread: String, item: String) -> AppServerEventMapper.FileChangeProposal? {
        state.withLock { $0.folds[thread]?.mapper.proposal(for: item) }
    }

    /// Whether the thread's turn is folded from its middle (see `Fold.partial`).
    func isPartial(thread: String) -> Bool {
        state.withLock { $0.folds[thread]?.partial == true }
    }

    /// The thread's turn will be read back whole: what was folded of it is dropped.
    func drop(thread: String) {
        _ = state.withLock { $0.folds.removeValue(forKey: thread) }
    }

    /// The thread is gone (unloaded): its turn, if one was folded, is never told.
    func forget(thread: String) {
        state.withLock { state in
            state.folds[thread] = nil
            state.lastEnded[thread] = nil
        }
    }

    /// `thread` was running a turn when it was followed: the turn is folded from now on (its start was
    /// not seen). Nil when its notifications already began one.
    func alreadyRunning(thread: String, repoPath: String) -> DeskWatcher.Event? {
        state.withLock { state in
            guard state.folds[thread] == nil else { return nil }
            var fold = Fold(thread: thread)
            fold.partial = true
            state.folds[thread] = fold
            return fold.progress(thread: thread, repoPath: repoPath)
        }
    }

    /// A turn read back from the daemon (`thread/turns/list` with its items) when its thread is followed:
    /// told as ended when it ended since `since` (Codex counts in whole seconds), unless told already. A
    /// turn folded meanwhile (a newer one) is kept as it is.
    func readBack(_ turn: JSONValue, endedSince since: Date, thread: String, repoPath: String) -> DeskWatcher.Event? {
        state.withLock { state in
            guard let id = turn["id"].string, turn["status"].string != "inProgress", state.lastEnded[thread] != id,
                Double(turn["completedAt"].int ?? 0) >= since.timeIntervalSince1970.rounded(.down) - 1
            else { return nil }
            // A newer turn may be under way: it is folded on beside this one.
            let current = state.folds.removeValue(forKey: thread)
            defer { state.folds[thread] = current }
            // Its own start, as Codex recorded it (whole seconds).
            state.folds[thread] = Fold(
                thread: thread, startedAt: turn["startedAt"].int.map { Date(timeIntervalSince1970: Double($0)) } ?? Date())
            for item in turn["items"].array ?? [] {
                _ = Self.fold(
                    method: "item/completed", params: ["threadId": .string(thread), "turnId": .string(id), "item": item],
                    thread: thread, repoPath: repoPath, state: &state)
            }
            return Self.fold(
                method: "turn/completed", params: ["threadId": .string(thread), "turn": turn], thread: thread, repoPath: repoPath,
                state: &state)
        }
    }

    /// Folds one notification of `thread`, which works in `repoPath`: the turn's progress when it started
    /// or changed action, the turn itself when this notification ended it, else nil.
    func fold(method: String, params: JSONValue, thread: String, repoPath: String) -> DeskWatcher.Event? {
        state.withLock { Self.fold(method: method, params: params, thread: thread, repoPath: repoPath, state: &$0) }
    }

    private static func fold(method: String, params: JSONValue, thread: String, repoPath: String, state: inout State) -> DeskWatcher.Event?
    {
        // Outside a turn (a thread's status, name or token count) there is nothing to fold.
        guard state.folds[thread] != nil || method.hasPrefix("turn/") || method.hasPrefix("item/") else { return nil }
        if method == "turn/completed", let id = params["turn"]["id"].string, state.lastEnded[thread] == id {
            // Read back and told already.
            state.folds[thread] = nil
            return nil
        }
        let started = method == "turn/started" || state.folds[thread] == nil
        // A turn already running when the thread was followed is folded from what is seen.
        var fold = method == "turn/started" ? Fold(thread: thread) : state.folds[thread] ?? Fold(thread: thread)
        let before = (fold.progress.current, fold.progress.steps)
        if let event = fold.mapper.event(method: method, params: params) {
            fold.record.apply(event)
            fold.progress.apply(event, repoPath: repoPath)
        }
        guard method == "turn/completed" else {
            state.folds[thread] = fold
            guard started || before != (fold.progress.current, fold.progress.steps) else { return nil }
            return fold.progress(thread: thread, repoPath: repoPath)
        }
        state.folds[thread] = nil
        state.lastEnded[thread] = params["turn"]["id"].string
        return .turnEnded(
            DeskTurn(threadID: thread, repoPath: repoPath, record: fold.record, startedAt: fold.startedAt, endedAt: Date()))
    }
}
