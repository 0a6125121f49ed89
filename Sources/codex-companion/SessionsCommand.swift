import ArgumentParser
import CompanionApp
import CompanionCore
import Foundation

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List a project's recent Codex sessions, whoever started them.")

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "How many sessions to show.")
    var limit = 10

    @Argument(help: "The project's name from the config.")
    var project: String

    func run() async throws {
        try await CommandSupport.run {
            let context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
            let project = try context.project(named: self.project)
            let sessions = try await context.sessions.sessions(inRepository: project.repoPath, limit: max(1, limit))
            guard !sessions.isEmpty else {
                Terminal.out("No Codex sessions in \(project.name) yet. `codex-companion run \(project.name) \"…\"` starts one.")
                return
            }
            let requesters = try await context.database.requesters(ofThreads: sessions.map(\.id))
            for session in sessions {
                let age = Durations.short(Date().timeIntervalSince(session.lastUsedAt))
                let origin = SessionText.label(SessionOrigin.of(session, firstRequester: requesters[session.id]))
                let prompt = session.firstPrompt.map { "\"\(PromptPreview.firstLine($0, limit: 60))\"" } ?? "(no prompt)"
                Terminal.out("\(session.id)  \(age) ago  \(origin)  \(prompt)")
            }
        }
    }
}
