import ArgumentParser
import CompanionApp
import CompanionCore
import Dashboard
import Foundation
import Subprocess

/// `codex-companion dashboard`: a fresh one-time login link for the running daemon's dashboard (the
/// code goes into the shared store, so the daemon accepts it), and with `--open` the browser opened on it.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Print a one-time login link for the dashboard (valid 10 minutes); --open opens it in the browser.")

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "First run without a config file: the project's folder (default: the current folder).")
    var project: String?

    @Flag(name: .long, help: "Open the link in the default browser.")
    var open = false

    func run() async throws {
        try await CommandSupport.run {
            let path = options.configPath
            let context: CompanionContext
            if options.config == nil && !FileManager.default.fileExists(atPath: path) {
                context = try CompanionContext.firstRun(directory: project ?? FileManager.default.currentDirectoryPath, warn: Terminal.warn)
            } else {
                context = try CompanionContext.load(configPath: path, warn: Terminal.warn)
            }
            guard context.config.dashboard.enabled else {
                throw UserFacingError("The dashboard is off (\"dashboard\": {\"enabled\": false} in \(path)).")
            }
            // The address the running daemon recorded; the config's when it never ran.
            let recorded = try? await context.database.dashboardAddress()
            let host = recorded?.host ?? context.config.dashboard.host
            let port = recorded?.port ?? context.config.dashboard.port
            guard port != 0 else {
                throw UserFacingError("Start the daemon first (`codex-companion serve`): it picks the dashboard's port.")
            }
            let link = try await LoginLink.issue(host: host, port: port, lifetime: .seconds(600), loginCodes: context.database)
            Terminal.out(link)
            Terminal.out("(works once, for 10 minutes; the daemon must be running: `codex-companion serve`)")
            if open { await Self.openInBrowser(link) }
        }
    }

    private static func openInBrowser(_ link: String) async {
        #if os(macOS)
        let opener = "open"
        #else
        let opener = "xdg-open"
        #endif
        let result = try? await Subprocess.run(.name(opener), arguments: [link], output: .discarded, error: .discarded)
        if result?.terminationStatus.isSuccess != true { Terminal.warn("Could not open a browser (\(opener)): open the link yourself.") }
    }
}
