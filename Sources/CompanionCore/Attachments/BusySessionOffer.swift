/// When the session a message was meant for is held by a Codex process the companion cannot reach (a
/// `codex exec` or `codex --no-daemon` in a terminal, an editor's own Codex), the failed card is followed
/// by a way on instead of a dead end: a button that runs the same message in a new session
/// (`busy-new:<task id>`).
public enum BusySessionOffer {
    /// Codex's words for a session another process writes to (`exec resume` and `thread/resume` alike).
    static let codexSays = "already has an active writer"

    /// Whether the report failed because its session was held elsewhere.
    public static func applies(to report: TaskReport) -> Bool {
        report.status == .failed
            && (report.turn.failureMessage?.contains(codexSays) == true || report.stderrTail.contains(codexSays))
    }

    public static func message(_ report: TaskReport) -> RenderedMessage {
        RenderedMessage(
            plain: "The session is busy in another Codex process on this machine (a `codex exec`, or a `codex --no-daemon` "
                + "in a terminal, or an editor). Run your message in a new session now, or send it again once that process is done.")
    }

    public static func buttons(taskID: Int64) -> [[ChatButton]] {
        [[ChatButton(title: "🆕 Run it in a new session", data: buttonData(taskID: taskID))]]
    }

    public static func buttonData(taskID: Int64) -> String { "busy-new:\(taskID)" }

    public static func taskID(in data: String) -> Int64? {
        guard data.hasPrefix("busy-new:") else { return nil }
        return Int64(data.dropFirst("busy-new:".count))
    }
}
