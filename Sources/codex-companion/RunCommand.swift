import ArgumentParser
import CompanionApp
import CompanionCore
import Foundation

/// `codex-companion run`: a client of the task service, like the bot. The store keeps one running task
/// per project across processes, so this never runs Codex where the daemon already does.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run Codex in a project: continue its latest session, or start a new one with --new.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Start a new Codex session instead of continuing the latest one.")
    var new = false

    @Flag(name: .long, help: "When the project is busy (the daemon runs a task there), wait for it instead of refusing.")
    var queue = false

    @Argument(help: "The project's name from the config.")
    var project: String

    @Argument(help: "What Codex should do (quote it, or put -- before a prompt that starts with a dash).")
    var prompt: [String] = []

    func run() async throws {
        try await CommandSupport.run {
            let context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
            let project = try context.project(named: self.project)
            let service = context.taskService()
            let events = service.subscribe()
            async let jobs: Void = service.run()
            let askedAt = Date()
            let request = TaskRequest(
                project: project, prompt: prompt.joined(separator: " "), mode: new ? .new : .continue,
                requester: .cli)
            let outcome = await follow(
                await service.submit(request, whenBusy: queue ? .wait : .refuse), events: events,
                project: project, service: service)
            await service.shutdown()
            await jobs
            let succeeded: CommandOutcome
            switch outcome {
            case .refused: succeeded = .refused
            case .finished(let report): succeeded = report.status == .done ? .ok : .failed
            }
            await context.audit.record(
                AuditEntry(
                    time: askedAt, requester: .cli, command: new ? "run --new" : "run",
                    project: project.name, outcome: succeeded,
                    duration: Date().timeIntervalSince(askedAt)))
            switch outcome {
            case .refused(let text):
                throw UserFacingError(text)
            case .finished(let report):
                Terminal.out("")
                Terminal.out(ResultCard().plainText(report))
                if report.status != .done { throw ExitCode(1) }
            }
        }
    }

    private enum Outcome {
        case refused(String)
        case finished(TaskReport)
    }

    /// Prints the task's progress until it ends.
    private func follow(
        _ answer: SubmitAnswer, events: AsyncStream<TaskEvent>, project: Project, service: TaskService
    ) async -> Outcome {
        let taskID: Int64
        switch answer {
        case .refused(let refusal):
            var text = BotReplies.refused(refusal)
            if case .busy = refusal { text += " Run it again with --queue to wait for it." }
            return .refused(text)
        case .queued(let id, _, let blocker):
            Terminal.progress("waiting: \(BotReplies.waitReason(blocker)); it starts by itself")
            taskID = id
        case .started(let id):
            taskID = id
        }
        for await event in events where event.taskID == taskID {
            switch event {
            case .started(let task):
                Terminal.progress(SessionText.starting(task.session))
            case .progressed(_, let codexEvent):
                if let line = ProgressText.line(for: codexEvent, repoPath: project.repoPath) { Terminal.progress(line) }
            case .deskTurnEnded:
                break
            case .waitingForSession:
                Terminal.progress("waiting: the session is busy in another Codex process; it runs once that is done")
            case .finished(let report):
                return .finished(report)
            case .notRun(let task, let reason):
                return .refused(BotReplies.notRun(task, reason: reason) ?? "The task did not run.")
            case .approvalRequested(let pending):
                Terminal.out("")
                // The terminal shows the whole request: what the message shortens follows it in full.
                if let attachment = ApprovalText.attachment(pending) {
                    Terminal.out("── \(attachment.title) ──\n\(attachment.contents)\n──")
                }
                Terminal.out(ApprovalText.request(pending).plain)
                Task { await TerminalApproval.ask(pending, service: service) }
            case .approvalResolved(_, let outcome):
                Terminal.progress(ApprovalText.outcomeLine(outcome))
            case .queued:
                break
            }
        }
        return .refused("The companion stopped before the task ran.")
    }
}
