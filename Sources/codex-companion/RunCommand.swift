import ArgumentParser
import CompanionApp
import CompanionCore
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run Codex in a project: continue its latest session, or start a new one with --new.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Start a new Codex session instead of continuing the latest one.")
    var new = false

    @Argument(help: "The project's name from the config.")
    var project: String

    @Argument(help: "What Codex should do (quote it, or put -- before a prompt that starts with a dash).")
    var prompt: [String] = []

    func run() async throws {
        try await CommandSupport.run {
            let context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
            let project = try context.project(named: self.project)
            let request = BridgeRequest(project: project, prompt: prompt.joined(separator: " "),
                                        mode: new ? .new : .continue, requester: "cli")
            let report: TaskReport
            do {
                report = try await context.bridge().run(request, onSessionChosen: { note in
                    Terminal.progress(Self.describe(note, project: project.name))
                }, onEvent: { event in
                    if let line = ProgressText.line(for: event, repoPath: project.repoPath) { Terminal.progress(line) }
                })
            } catch let refusal as BridgeRefusal {
                try? await context.database.recordAudit(AuditEntry(time: Date(), userID: nil, chatID: nil, command: "run",
                                                                   project: project.name, outcome: "refused", duration: 0))
                throw UserFacingError(refusal.message)
            }
            try? await context.database.recordAudit(AuditEntry(
                time: report.startedAt, userID: nil, chatID: nil, command: new ? "run --new" : "run", project: project.name,
                outcome: report.status.rawValue, duration: report.duration))
            Terminal.out("")
            Terminal.out(ResultCard().plainText(report))
            if report.status != .done { throw ExitCode(1) }
        }
    }

    static func describe(_ note: SessionNote, project: String) -> String {
        switch note {
        case .new:
            return "starting a new Codex session in \(project)"
        case .newBecauseNoneFound:
            return "no earlier Codex session in \(project): starting a new one"
        case .continued(let session, let origin):
            let prompt = session.firstPrompt.map { ": \"\(PromptPreview.firstLine($0, limit: 60))\"" } ?? ""
            return "continuing session \(session.shortID) (started \(origin))\(prompt)"
        }
    }
}
