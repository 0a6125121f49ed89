import ArgumentParser
import CompanionApp
import Foundation

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the config, the repositories, Codex and its login, the Codex home, the state directory and Telegram.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CommandSupport.run {
            let context: CompanionContext
            do {
                context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
                Terminal.out("✓ config \(context.config.sourcePath): \(context.config.projects.count) project(s)")
            } catch let error as UserFacingError {
                Terminal.out("✗ config: \(error.description)")
                throw ExitCode(1)
            }
            let findings = await Doctor(context: context).run()
            for finding in findings {
                Terminal.out("\(finding.level.mark) \(finding.text)")
            }
            if findings.contains(where: { $0.level == .problem }) { throw ExitCode(1) }
        }
    }
}
