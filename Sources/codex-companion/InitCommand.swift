import ArgumentParser
import CompanionApp
import CompanionCore
import Foundation
import TelegramAdapter

/// `codex-companion init`: from nothing to a paired, working bot in one command. It checks the bot
/// token, pairs the user's Telegram account with a one-time code (no looking up ids), picks the
/// repositories, writes the token file and `config.json` (both 0600), and proves the result with
/// `doctor`'s checks. In a terminal it asks; every answer also has a flag, so scripts run it unattended.
/// The steps live in `TokenPrompt`, `TelegramPairing`, `RepositoryPicker`, `ConfigWriter` and `InitFinish`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up the companion: check the bot token, pair your Telegram account, pick repositories, write the config.")

    @OptionGroup var options: GlobalOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Read the bot token from this file (else TELEGRAM_BOT_TOKEN, else you are asked).", valueName: "path"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Allow this Telegram user id instead of pairing with a code.", valueName: "id"))
    var userID: Int64?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the pairing code to arrive.", valueName: "seconds"))
    var pairTimeout: Int = 300

    @Option(
        name: .long,
        help: ArgumentHelp("Folder to look for git repositories in, and up to 3 levels below (default: the current one).", valueName: "dir")
    )
    var search: String?

    @Option(name: .long, help: ArgumentHelp("A project as name=path (repeatable); no search then.", valueName: "name=path"))
    var project: [String] = []

    @Flag(name: .long, help: "Take every repository the search finds, with the suggested names.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("Bot API base URL, for a local Bot API server (written to the config).", valueName: "url"))
    var apiBaseURL: String?

    @Option(name: .long, help: ArgumentHelp("State directory (default: ~/.codex-companion); the token file goes there.", valueName: "dir"))
    var stateDir: String?

    @Flag(name: .long, help: "Replace an existing config file (its other settings are not kept).")
    var force = false

    func validate() throws {
        if all && !project.isEmpty { throw ValidationError("--all takes the repositories found; --project names them: use one.") }
        if pairTimeout < 1 { throw ValidationError("--pair-timeout must be at least 1 second.") }
        if let userID, userID <= 0 { throw ValidationError("--user-id must be a positive Telegram user id.") }
        if let apiBaseURL, !(apiBaseURL.hasPrefix("http://") || apiBaseURL.hasPrefix("https://")) {
            throw ValidationError("--api-base-url must start with http:// or https://")
        }
    }

    func run() async throws {
        try await CommandSupport.run {
            let environment = UserEnvironment()
            let interactive = SetupPrompt.isInteractive
            let configPath = absolute(options.configPath, in: environment)
            let stateDirectory = stateDir.map { absolute($0, in: environment) } ?? environment.defaultStateDirectory
            if FileManager.default.fileExists(atPath: configPath) && !force {
                throw UserFacingError(
                    "\(configPath) already exists and was not changed. Pass --force to replace it, or --config PATH to write another file.")
            }
            let picker = RepositoryPicker(
                explicit: project, searchRoot: search ?? FileManager.default.currentDirectoryPath, pickAll: all,
                interactive: interactive, environment: environment)
            // Flag mistakes fail here, before the user spends time on the token and the phone.
            _ = try picker.explicitProjects()
            if !interactive && project.isEmpty && !all {
                throw UserFacingError(
                    "Without a terminal to ask, say which repositories: --all (with --search DIR) or --project name=path.")
            }
            let baseURL = apiBaseURL ?? ConfigDefaults.telegramAPIBaseURL

            Terminal.out("1/4 The bot token")
            let checked = try await TokenPrompt(
                tokenFile: tokenFile.map { absolute($0, in: environment) }, environment: environment.variables,
                apiBaseURL: baseURL, interactive: interactive
            ).obtain()
            let botName = checked.bot.username.map { "@\($0)" } ?? "your bot"
            Terminal.out("✓ Telegram accepts \(checked.origin): it is \(botName)")

            Terminal.out("\n2/4 Your Telegram account")
            let allowedUser = try await pairedUser(client: BotAPIClient(baseURL: baseURL, token: checked.token), botName: botName)

            Terminal.out("\n3/4 Repositories")
            let projects = try await picker.pick()
            Terminal.out("✓ \(projects.count) project(s): " + projects.map(\.name).joined(separator: ", "))

            Terminal.out("\n4/4 Config")
            let tokenPath = (stateDirectory as NSString).appendingPathComponent("bot-token")
            try writeFiles(
                token: checked.token, tokenPath: tokenPath, stateDirectory: stateDirectory, configPath: configPath,
                writer: ConfigWriter(
                    projects: projects, allowedUserID: allowedUser, tokenFile: tokenPath, apiBaseURL: apiBaseURL,
                    stateDirectory: stateDir == nil ? nil : stateDirectory))
            try await InitFinish(configPath: configPath, environment: environment, interactive: interactive).run()
        }
    }

    /// `--user-id`, or the account that sends the pairing code to the bot.
    private func pairedUser(client: BotAPIClient, botName: String) async throws -> Int64 {
        if let userID {
            Terminal.out("✓ Allowed Telegram user: \(userID) (from --user-id)")
            return userID
        }
        let pairing = TelegramPairing(client: client)
        let link = botName.hasPrefix("@") ? " (https://t.me/\(botName.dropFirst()))" : ""
        // The code appears once the messages sent before it are skipped, so none of them counts.
        let paired = try await pairing.run(timeout: .seconds(pairTimeout), note: { Terminal.warn($0) }) {
            Terminal.out("Pairing code: \(pairing.code)")
            Terminal.out("Send it to \(botName) in Telegram\(link), in a private chat. Waiting up to \(pairTimeout) s…")
        }
        let name = paired.username.map { " (@\($0))" } ?? ""
        Terminal.out("✓ Paired with Telegram user \(paired.userID)\(name): the only one allowed to use the bot")
        return paired.userID
    }

    /// The token file, then the config naming it; the state directory is the user's alone (0700).
    private func writeFiles(
        token: String, tokenPath: String, stateDirectory: String, configPath: String, writer: ConfigWriter
    ) throws {
        do {
            try StatePermissions.createDirectory(stateDirectory)
            try FileManager.default.setAttributes([.posixPermissions: StatePermissions.directoryMode], ofItemAtPath: stateDirectory)
            try ConfigWriter.writeToken(token, to: tokenPath)
            Terminal.out("✓ Wrote the token to \(tokenPath) (only you can read it)")
            try writer.writeConfig(to: configPath)
            Terminal.out("✓ Wrote \(configPath)")
        } catch let error as UserFacingError {
            throw error
        } catch {
            throw UserFacingError("\(error)")
        }
    }

    /// `path` with `~` expanded against `$HOME` and made absolute against the current folder.
    private func absolute(_ path: String, in environment: UserEnvironment) -> String {
        let expanded = environment.expandingTilde(path)
        let full = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}
