import ArgumentParser
import CompanionApp
import CompanionCore
import Foundation

struct LastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "last", abstract: "Show a project's last task.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The project's name from the config.")
    var project: String

    func run() async throws {
        try await CommandSupport.run {
            let context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
            let project = try context.project(named: self.project)
            guard let task = try await context.database.lastTask(project: project.name) else {
                Terminal.out("No task has run in \(project.name) yet.")
                return
            }
            Terminal.out(LastTaskView().plainText(task, project: project, now: Date()))
        }
    }
}
