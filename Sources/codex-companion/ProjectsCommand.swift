import ArgumentParser
import CompanionApp
import CompanionCore

struct ProjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "projects", abstract: "List the configured projects.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CommandSupport.run {
            let context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
            if context.config.projects.isEmpty {
                Terminal.out("No projects configured in \(context.config.sourcePath).")
            }
            for project in context.config.projects {
                var line = "\(project.name)\t\(project.repoPath)"
                if let notes = project.notes { line += "\t\(notes)" }
                Terminal.out(line)
            }
        }
    }
}
