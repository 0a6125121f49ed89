/// When the session a message was meant for is held by a Codex process the companion cannot reach (a
/// `codex exec` or `codex --no-daemon` in a terminal, an editor's own Codex), the failed card is followed
/// by ways on instead of a dead end: run the same message when the session is free, in a fork of the
/// session, or in a new session (`busy:<choice>:<task id>`).
public enum BusySessionOffer {
    /// Codex's words for a session another process writes to (`exec resume` and `thread/resume` alike).
    static let codexSays = "already has an active writer"

    /// What a tap asks for.
    public enum Choice: String, Sendable, CaseIterable {
        /// Wait until the session is free, then continue it with the message.
        case wait
        /// Continue in a new session that starts as a copy of the busy one.
        case fork
        /// Run the message in a new, empty session.
        case new
    }

    /// Whether the report failed because its session was held elsewhere.
    public static func applies(to report: TaskReport) -> Bool {
        report.status == .failed
            && (report.turn.failureMessage?.contains(codexSays) == true || report.stderrTail.contains(codexSays))
    }

    public static func message(_ report: TaskReport) -> RenderedMessage {
        RenderedMessage(
            plain: "The session is busy in another Codex process on this machine (a `codex exec`, or a `codex --no-daemon` "
                + "in a terminal, or an editor). Run your message once it is free, in a copy of the session, or in a new session.")
    }

    public static func buttons(taskID: Int64) -> [[ChatButton]] {
        [
            [ChatButton(title: "⏳ Run it when the session is free", data: buttonData(.wait, taskID: taskID))],
            [
                ChatButton(title: "🍴 Continue in a fork", data: buttonData(.fork, taskID: taskID)),
                ChatButton(title: "🆕 New session", data: buttonData(.new, taskID: taskID)),
            ],
        ]
    }

    public static func buttonData(_ choice: Choice, taskID: Int64) -> String { "busy:\(choice.rawValue):\(taskID)" }

    /// The choice and task a button's data names; nil for other data.
    public static func tap(in data: String) -> (choice: Choice, taskID: Int64)? {
        // Buttons sent before there were three choices said `busy-new:<task id>`.
        if data.hasPrefix("busy-new:"), let taskID = Int64(data.dropFirst("busy-new:".count)) { return (.new, taskID) }
        let parts = data.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "busy", let choice = Choice(rawValue: String(parts[1])), let taskID = Int64(parts[2])
        else { return nil }
        return (choice, taskID)
    }
}
