import CompanionCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `run`'s answer to an approval request: a question on the terminal when there is one; without a
/// terminal to ask (a script, a pipe) the request is declined at once rather than left to time out.
enum TerminalApproval {
    static func ask(_ pending: PendingApproval, service: TaskService) async {
        guard isatty(STDIN_FILENO) == 1 else {
            Terminal.progress("no terminal to ask, so this is declined; run the task from the phone to approve it")
            _ = await service.answerApproval(pending.id, .decline, by: .cli, userID: nil)
            return
        }
        FileHandle.standardOutput.write(Data("Approve? [y] yes, [s] yes for this session, [n] no, [c] no and stop the task: ".utf8))
        let line = await readLine()
        let decision: ApprovalDecision
        switch line?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "y", "yes": decision = .accept
        case "s", "session": decision = .acceptForSession
        case "c", "cancel", "stop": decision = .cancel
        default: decision = .decline
        }
        _ = await service.answerApproval(pending.id, decision, by: .cli, userID: nil)
    }

    /// Reads one line on a thread of its own: a person taking their time blocks neither a Swift task nor
    /// one of dispatch's few shared threads.
    private static func readLine() async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Swift.readLine()) }
        }
    }
}
