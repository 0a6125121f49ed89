/// Why a task ended before Codex finished by itself, or never ran.
public enum StopReason: Sendable, Equatable {
    /// The user cancelled it (a running task with /cancel, a queued one with /cancel queued).
    case user
    /// A time limit was hit.
    case timeout(TimeLimit)
    /// The companion was shutting down.
    case shutdown
    /// The companion stopped (crash, kill -9, power loss) while the task ran; found at the next start.
    case companionRestarted
    /// The task waited in the queue, but its project is no longer configured.
    case projectRemoved
    /// Another process already runs Codex in this project, and the requester did not want to wait.
    case projectBusy

    public enum TimeLimit: Sendable, Equatable {
        /// The wall-clock limit of one task.
        case total(Duration)
        /// The limit on time without any Codex event.
        case idle(Duration)
    }

    // The one place a stop reason becomes text and back: `user`, `timeout_total:<seconds>`,
    // `timeout_idle:<seconds>`, `shutdown`, `companion_restarted`, `project_removed`, `project_busy`.
    public var stored: String {
        switch self {
        case .user: "user"
        case .timeout(.total(let limit)): "timeout_total:\(limit.components.seconds)"
        case .timeout(.idle(let limit)): "timeout_idle:\(limit.components.seconds)"
        case .shutdown: "shutdown"
        case .companionRestarted: "companion_restarted"
        case .projectRemoved: "project_removed"
        case .projectBusy: "project_busy"
        }
    }

    public init?(stored: String) {
        if let seconds = Self.seconds(stored, after: "timeout_total:") {
            self = .timeout(.total(.seconds(seconds)))
            return
        }
        if let seconds = Self.seconds(stored, after: "timeout_idle:") {
            self = .timeout(.idle(.seconds(seconds)))
            return
        }
        switch stored {
        case "user": self = .user
        case "shutdown": self = .shutdown
        case "companion_restarted": self = .companionRestarted
        case "project_removed": self = .projectRemoved
        case "project_busy": self = .projectBusy
        default: return nil
        }
    }

    private static func seconds(_ text: String, after prefix: String) -> Int64? {
        text.hasPrefix(prefix) ? Int64(text.dropFirst(prefix.count)) : nil
    }

    /// The status a task gets when it ends for this reason.
    public var status: TaskStatus {
        switch self {
        case .user, .projectBusy: .cancelled
        case .timeout, .projectRemoved: .failed
        case .shutdown, .companionRestarted: .interrupted
        }
    }
}
