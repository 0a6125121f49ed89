import ArgumentParser
import CompanionApp
import CompanionCore
import Foundation
import Logging
import TelegramAdapter

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: the dashboard, and the Telegram bot once a token and an allowed user are configured.",
        discussion: """
            Without a config file (and without --config), the git repository of the current folder, or of \
            --project DIR, is the only project: a first run needs no set-up.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "First run without a config file: the project's folder (default: the current folder).")
    var project: String?

    @Option(name: .long, help: "The dashboard's port (default 8787, or dashboard.port from the config).")
    var dashboardPort: Int?

    func run() async throws {
        try await CommandSupport.run(defaultLogLevel: .info) {
            let context = try loadContext()
            var token: String?
            if let telegram = context.config.telegram {
                token = try BotToken.load(config: telegram)
            } else {
                Terminal.warn(
                    "Telegram is off: run `codex-companion init`, or add a \"telegram\" section with your user id and set TELEGRAM_BOT_TOKEN."
                )
            }
            var timing = CompanionDaemon.Timing()
            // Tests shorten the long poll; production keeps Telegram's recommended 50 s.
            if let seconds = ProcessInfo.processInfo.environment["CODEX_COMPANION_POLL_TIMEOUT"].flatMap(Int.init) {
                timing.pollTimeout = seconds
            }
            let daemon = try CompanionDaemon(
                context: context, token: token, timing: timing,
                onDashboard: { link, _ in
                    Terminal.out("Dashboard: open \(link)")
                    Terminal.out("  (the link works once, for 10 minutes; `codex-companion dashboard` prints a new one)")
                })
            do {
                try await daemon.run()
            } catch let error as BadTokenError {
                throw UserFacingError(error.description)
            }
        }
    }

    /// The config the user named (or the default one); with neither a config file nor --config, the
    /// first-run default built from the project folder.
    private func loadContext() throws -> CompanionContext {
        let path = options.configPath
        let firstRun = options.config == nil && !FileManager.default.fileExists(atPath: path)
        var context: CompanionContext
        if firstRun {
            let folder = project ?? FileManager.default.currentDirectoryPath
            context = try CompanionContext.firstRun(directory: folder, warn: Terminal.warn)
            Terminal.warn("No config file at \(path): first run with \(context.config.projects[0].repoPath) as the only project.")
        } else {
            guard project == nil else {
                throw UserFacingError("--project is for a first run without a config file; \(path) lists the projects.")
            }
            context = try CompanionContext.load(configPath: path, warn: Terminal.warn)
        }
        if let dashboardPort {
            guard (0...65535).contains(dashboardPort) else { throw UserFacingError("--dashboard-port must be a port number.") }
            context = context.withDashboardPort(dashboardPort)
        }
        return context
    }
}
