import Synchronization

/// The turns running at the desk (the terminal) right now, as the desk watcher last saw them, and how the
/// desk is watched: what /status and the dashboard show beside the companion's own tasks.
public final class DeskTurns: Sendable {
    /// How the companion sees the desk.
    public enum Watch: Sendable, Equatable {
        /// Not at all (no Telegram, or not started yet).
        case off
        /// Through Codex's daemon: turns as they run, their results and approval requests.
        case daemon
        /// No daemon runs (Codex before 0.151, or the terminal not used yet): results of turns only,
        /// from the session files.
        case sessionFiles
    }

    public struct Running: Sendable, Equatable {
        public var project: Project
        public var progress: DeskTurnProgress
    }

    private struct State {
        var running: [String: Running] = [:]
        var watch = Watch.off
    }

    private let state = Mutex(State())

    public init() {}

    /// Oldest first.
    public var running: [Running] {
        state.withLock { Array($0.running.values) }.sorted { $0.progress.startedAt < $1.progress.startedAt }
    }

    public var watch: Watch { state.withLock { $0.watch } }

    /// A desk turn started or moved on.
    public func update(_ progress: DeskTurnProgress, project: Project) {
        state.withLock { $0.running[progress.threadID] = Running(project: project, progress: progress) }
    }

    /// The thread's turn ended.
    public func ended(threadID: String) {
        _ = state.withLock { $0.running.removeValue(forKey: threadID) }
    }

    /// The desk is now watched this way; what was seen running is forgotten when the daemon's
    /// connection ends (its turns are no longer seen).
    public func watching(_ watch: Watch) {
        state.withLock { state in
            if watch != .daemon { state.running = [:] }
            state.watch = watch
        }
    }
}
