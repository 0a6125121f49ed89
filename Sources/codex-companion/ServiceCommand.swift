import ArgumentParser
import CompanionApp
import CompanionCore
import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Install, remove or inspect the user service that keeps `serve` running (systemd on Linux, launchd on macOS).")

    enum Action: String, ExpressibleByArgument { case install, uninstall, status }

    @OptionGroup var options: GlobalOptions

    @Argument(help: "install, uninstall or status")
    var action: Action

    @Flag(name: .long, help: "Only write (or remove) the service file; do not load it.")
    var noLoad = false

    func run() async throws {
        try await CommandSupport.run {
            let context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
            let configPath = URL(fileURLWithPath: options.configPath).standardizedFileURL.path
            // The system's word for where this program is: argv[0] is `codex-companion` when it came from
            // the PATH, and the current folder may hold another file of that name.
            guard let executable = ExecutablePath.current() else {
                throw UserFacingError("The path of this program cannot be found, so no service can be written for it.")
            }
            let definition = ServiceDefinition(
                kind: ServiceDefinition.currentKind, executable: executable, configPath: configPath,
                stateDirectory: context.config.stateDirectory,
                path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            let commands = definition.commands(uid: getuid())
            switch action {
            case .install:
                if let refusal = ServiceDefinition.refusal(
                    executable: executable, repositories: context.config.projects.map(\.repoPath),
                    temporaryFolders: ServiceDefinition.temporaryFolders())
                {
                    throw UserFacingError(refusal)
                }
                if let telegram = context.config.telegram, telegram.botTokenFile == nil {
                    throw UserFacingError(
                        "A service does not see your shell's TELEGRAM_BOT_TOKEN: put the token in a file "
                            + "(chmod 600) and name it in \"telegram\": {\"bot_token_file\": \"…\"}.")
                }
                let directory = (definition.filePath as NSString).deletingLastPathComponent
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try definition.fileContents.write(toFile: definition.filePath, atomically: true, encoding: .utf8)
                Terminal.out("Wrote \(definition.filePath)")
                Terminal.out("Logs: \(definition.logPath)")
                if context.config.telegram == nil {
                    Terminal.out("Telegram is off: the service runs the dashboard only. `codex-companion dashboard` prints a login link.")
                }
                if noLoad {
                    Terminal.out("Load it with: " + commands.load.map { $0.joined(separator: " ") }.joined(separator: " && "))
                } else {
                    for command in commands.load { try await Self.execute(command) }
                    Terminal.out("Service started; it restarts on failure and at login.")
                }
            case .uninstall:
                if !noLoad {
                    for command in commands.unload { try? await Self.execute(command) }
                }
                if FileManager.default.fileExists(atPath: definition.filePath) {
                    try FileManager.default.removeItem(atPath: definition.filePath)
                    Terminal.out("Removed \(definition.filePath)")
                } else {
                    Terminal.out("No service file at \(definition.filePath).")
                }
            case .status:
                guard FileManager.default.fileExists(atPath: definition.filePath) else {
                    Terminal.out("Not installed (no \(definition.filePath)). `codex-companion service install` installs it.")
                    return
                }
                Terminal.out("Installed: \(definition.filePath)\nLogs: \(definition.logPath)")
                if !noLoad { try await Self.execute(commands.status, failOnError: false) }
            }
        }
    }

    static func execute(_ command: [String], failOnError: Bool = true) async throws {
        let result: ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>
        do {
            result = try await Subprocess.run(
                .name(command[0]), arguments: Arguments(Array(command.dropFirst())),
                output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        } catch {
            throw UserFacingError("`\(command[0])` could not be run (\(error)). Use --no-load and load the service by hand.")
        }
        let output = (result.standardOutput + result.standardError).trimmingCharacters(in: .whitespacesAndNewlines)
        if !output.isEmpty { Terminal.out(output) }
        if failOnError && !result.terminationStatus.isSuccess {
            throw UserFacingError("`\(command.joined(separator: " "))` failed.")
        }
    }
}
