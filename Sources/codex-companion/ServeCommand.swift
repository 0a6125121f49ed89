import ArgumentParser
import CompanionApp
import Foundation
import Logging
import TelegramAdapter

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Telegram bot daemon (token from TELEGRAM_BOT_TOKEN or telegram.bot_token_file).")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CommandSupport.run(defaultLogLevel: .info) {
            let context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
            let telegram = try TelegramDaemon.telegramSettings(of: context)
            let token = try BotToken.load(config: telegram)
            var timing = TelegramDaemon.Timing()
            // Tests shorten the long poll; production keeps Telegram's recommended 50 s.
            if let seconds = ProcessInfo.processInfo.environment["CODEX_COMPANION_POLL_TIMEOUT"].flatMap(Int.init) {
                timing.pollTimeout = seconds
            }
            let daemon = try TelegramDaemon(context: context, token: token, timing: timing)
            do {
                try await daemon.run()
            } catch let error as BadTokenError {
                throw UserFacingError(error.description)
            }
        }
    }
}
