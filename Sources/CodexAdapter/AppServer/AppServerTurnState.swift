import CompanionCore
import Synchronization

/// What one app-server run knows, shared by the task that reads Codex's output, the task that drives the
/// conversation, steering and approvals: the thread and turn ids, the record folded from the events, and
/// when the run is over.
///
/// A run may hold more than one turn: text steered in just as a turn ends starts the next one. The run
/// is over once every turn it started has completed and no start or steer is still on its way; from
/// then on (or from a stop) it takes no more input, so nothing new starts in a child about to close.
///
/// One exception keeps a run from waiting forever: a `turn/start` that reaches Codex while a turn is
/// still active is answered with a new turn id, but Codex folds its input into the active turn, and that
/// id never starts nor completes. A turn that never started counts as done once the thread is idle.
final class AppServerTurnState: Sendable {
    private struct State {
        var mapper = AppServerEventMapper()
        var record = TurnRecord()
        var threadID: String?
        var currentTurnID: String?
        var announcedTurn = false
        /// Turn starts and steers on their way: the run is not over while one may still add a turn.
        var holds = 0
        var startedTurns: Set<String> = []
        /// Turns Codex announced with `turn/started`.
        var runningTurns: Set<String> = []
        var completedTurns: Set<String> = []
        /// The thread's last status was idle (`thread/status/changed`), and no turn start came since.
        var threadIdle = false
        var ending = false
    }

    private let state = Mutex(State())
    /// Every turn started has completed, or Codex has exited.
    let settled = OneShot<Void>()
    /// Codex has exited (its stdout closed).
    let exited = OneShot<Void>()

    init() {}

    var record: TurnRecord { state.withLock { $0.record } }

    /// Folds an event the conversation itself emits (`threadStarted`, a refused request's `turnFailed`).
    func apply(_ event: CodexEvent) {
        state.withLock { $0.record.apply(event) }
    }

    /// Maps a notification, folds its event into the record and follows the turns; the event to emit.
    /// `turn/started` is announced once per run, however many turns steering adds.
    func handle(method: String, params: JSONValue) -> CodexEvent? {
        let (event, settledNow) = state.withLock { state -> (CodexEvent?, Bool) in
            var event = state.mapper.event(method: method, params: params)
            switch method {
            case "turn/started":
                if let id = params["turn"]["id"].string {
                    state.currentTurnID = id
                    state.runningTurns.insert(id)
                }
                state.threadIdle = false
                if state.announcedTurn { event = nil }
                state.announcedTurn = true
            case "turn/completed":
                if let id = params["turn"]["id"].string { state.completedTurns.insert(id) }
            case "thread/status/changed":
                state.threadIdle = params["status"]["type"].string == "idle"
            default:
                break
            }
            if let event { state.record.apply(event) }
            return (event, Self.settle(&state))
        }
        if settledNow { settled.fire() }
        return event
    }

    func proposal(for itemID: String) -> AppServerEventMapper.FileChangeProposal? {
        state.withLock { $0.mapper.proposal(for: itemID) }
    }

    func setThread(_ id: String) {
        state.withLock { $0.threadID = id }
    }

    /// Before a turn start: false once the run is ending (stopped, or all its turns are done).
    func holdForTurnStart() -> Bool {
        state.withLock { state in
            guard !state.ending else { return false }
            state.holds += 1
            return true
        }
    }

    /// Before a steer: the thread and the turn to steer, or nil when there is nothing to steer any more.
    func holdForSteer() -> (threadID: String, turnID: String)? {
        state.withLock { state in
            guard !state.ending, let thread = state.threadID, let turn = state.currentTurnID else { return nil }
            state.holds += 1
            return (thread, turn)
        }
    }

    /// `turn/start` answered with turn `id`: the run waits for its `turn/completed` too. Called by the
    /// reading task as the answer is read, so a later idle status is known to come after it.
    func started(turn id: String) {
        state.withLock { state in
            state.startedTurns.insert(id)
            state.threadIdle = false
            if state.currentTurnID == nil || state.completedTurns.contains(state.currentTurnID ?? "") { state.currentTurnID = id }
        }
    }

    /// The start or steer that held the run has its answer.
    func release() {
        let settledNow = state.withLock { state in
            state.holds -= 1
            return Self.settle(&state)
        }
        if settledNow { settled.fire() }
    }

    /// A stop: the run takes no more input. Returns the thread and the turn to interrupt, if one runs.
    func beginStopping() -> (threadID: String, turnID: String)? {
        state.withLock { state in
            state.ending = true
            guard let thread = state.threadID, let turn = state.currentTurnID, !state.completedTurns.contains(turn) else { return nil }
            return (thread, turn)
        }
    }

    /// Codex exited: nothing more will happen in this run.
    func childExited() {
        state.withLock { $0.ending = true }
        exited.fire()
        settled.fire()
    }

    /// Ends the run when every turn it started is done; true when that happened now.
    private static func settle(_ state: inout State) -> Bool {
        guard state.holds == 0, !state.startedTurns.isEmpty else { return false }
        let done = state.startedTurns.allSatisfy { turn in
            state.completedTurns.contains(turn) || (state.threadIdle && !state.runningTurns.contains(turn))
        }
        guard done else { return false }
        state.ending = true
        return true
    }
}
