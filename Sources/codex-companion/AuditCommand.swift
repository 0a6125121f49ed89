import ArgumentParser
import CompanionApp
import CompanionCore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Print the audit trail: every command, authorised or not, newest last.")

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "How many entries to show.")
    var last = 20

    func run() async throws {
        try await CommandSupport.run {
            let context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
            let entries = try await context.database.recentAudit(limit: max(1, last))
            guard !entries.isEmpty else {
                Terminal.out("The audit trail is empty.")
                return
            }
            let formatter = ISO8601DateFormatter()
            Terminal.out("time                  user        chat        command          project     outcome       duration  detail")
            for entry in entries.reversed() {
                let columns = [
                    formatter.string(from: entry.time).padding(toLength: 21, withPad: " ", startingAt: 0),
                    (entry.userID.map(String.init) ?? "-").padding(toLength: 11, withPad: " ", startingAt: 0),
                    (entry.chatID.map(String.init) ?? "cli").padding(toLength: 11, withPad: " ", startingAt: 0),
                    entry.command.padding(toLength: 16, withPad: " ", startingAt: 0),
                    (entry.project ?? "-").padding(toLength: 11, withPad: " ", startingAt: 0),
                    entry.outcome.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0),
                    String(format: "%.1fs", entry.duration).padding(toLength: 9, withPad: " ", startingAt: 0),
                    entry.detail ?? "",
                ]
                Terminal.out(columns.joined(separator: " ").trimmingCharacters(in: .whitespaces))
            }
        }
    }
}
