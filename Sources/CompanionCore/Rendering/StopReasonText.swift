/// What the user reads about a task the companion stopped or did not run.
public enum StopReasonText {
    public static func explain(_ reason: StopReason) -> String {
        switch reason {
        case .user:
            return "Cancelled. The session is kept: continue it whenever you like."
        case .timeout(.total(let limit)):
            return
                "Timed out: it ran longer than \(Durations.limit(limit.seconds)). The session is kept: continue it to pick up from there."
        case .timeout(.idle(let limit)):
            return
                "Timed out: Codex showed no progress for \(Durations.limit(limit.seconds)). The session is kept: continue it to pick up from there."
        case .shutdown:
            return "Interrupted: the companion was stopping. Send the prompt again to retry."
        case .companionRestarted:
            return
                "Interrupted: the companion stopped while this task ran. The session is kept; send the prompt again (or /continue) to retry."
        case .projectRemoved:
            return "Not run: its project is no longer configured."
        case .projectBusy:
            return "Not run: another task was running in this project."
        }
    }
}
