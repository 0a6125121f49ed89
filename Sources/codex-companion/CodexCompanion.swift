import ArgumentParser
import CompanionApp
import CompanionCore

/// Entry point: only argument parsing lives here; wiring is in `CompanionContext`.
@main
struct CodexCompanion: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codex-companion",
        abstract: "Drive your local Codex CLI sessions from your phone (Telegram) or this terminal.",
        subcommands: [
            InitCommand.self, ServeCommand.self, DashboardCommand.self, RunCommand.self, ProjectsCommand.self, SessionsCommand.self,
            LastCommand.self,
            AuditCommand.self, ServiceCommand.self, DoctorCommand.self,
        ]
    )
}

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the config file (default: ~/.codex-companion/config.json).")
    var config: String?

    var configPath: String { config ?? UserEnvironment().defaultConfigPath }
}
