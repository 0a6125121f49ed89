import Foundation
import Subprocess
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// `codex-companion init` as a new user runs it: the built binary, HOME in a private folder, the fake
/// Bot API, real git repositories. The pairing code is read from init's output while it runs and sent
/// to the fake as the user would send it from the phone; the interactive path runs in a pseudo-terminal.
@Suite struct InitCommandTests {
    @Test func flagsPairTheSenderOfTheCodeAndWriteAPrivateConfig() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                let beta = try await workspace.makeRepository("beta")
                let site = try await workspace.makeRepository("my.site")
                let otherAlpha = try await workspace.makeRepository("other/alpha")
                let repos = workspace.root + "/repos"
                // Not offered: a repository inside one already found, hidden folders, node_modules.
                for inner in ["alpha/inner", ".hidden/gamma", "node_modules/delta"] {
                    try FileManager.default.createDirectory(atPath: "\(repos)/\(inner)/.git", withIntermediateDirectories: true)
                }
                var environment = workspace.homeEnvironment
                environment["TELEGRAM_BOT_TOKEN"] = telegram.token
                let home = workspace.root + "/home"

                let output = try await Self.runInit(
                    ["init", "--search", repos, "--all", "--api-base-url", telegram.baseURL, "--pair-timeout", "60"],
                    environment: environment
                ) { line in
                    guard let code = line.firstMatch(of: /Pairing code: (\d{6})/)?.1 else { return }
                    // The right code in a group pairs nobody; a wrong one in private gets a reply.
                    telegram.sendMessage(from: 555, text: String(code), chatID: -100, chatType: "group")
                    telegram.sendMessage(from: 777, text: code == "111111" ? "222222" : "111111")
                    try await telegram.waitForMessage(to: 777, "the wrong-code reply") { $0.contains("not the pairing code") }
                    telegram.sendMessage(from: 4242, text: "/start \(code)")
                }
                #expect(output.exitCode == 0, "\(output.stdout)\n\(output.stderr)")
                let configPath = home + "/.codex-companion/config.json"
                let config = try Self.json(configPath)
                let telegramSection = try #require(config["telegram"] as? [String: Any])
                #expect(telegramSection["allowed_user_ids"] as? [Int] == [4242])
                #expect(telegramSection["api_base_url"] as? String == telegram.baseURL)
                let tokenFile = home + "/.codex-companion/bot-token"
                #expect(telegramSection["bot_token_file"] as? String == tokenFile)
                #expect(
                    try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == telegram.token
                )
                // Names are the folders' own, made valid and unique ignoring case.
                #expect(
                    Self.projects(config) == [
                        ["name": "alpha", "repo_path": Self.resolved(alpha)], ["name": "beta", "repo_path": Self.resolved(beta)],
                        ["name": "my-site", "repo_path": Self.resolved(site)], ["name": "alpha-2", "repo_path": Self.resolved(otherAlpha)],
                    ])
                #expect(try Self.mode(configPath) == 0o600)
                #expect(try Self.mode(tokenFile) == 0o600)
                #expect(try Self.mode(home + "/.codex-companion") == 0o700)

                #expect(!output.stdout.contains(telegram.token) && !output.stderr.contains(telegram.token))
                #expect(
                    output.stdout.contains("✓ Telegram accepts the token in TELEGRAM_BOT_TOKEN: it is @\(FakeTelegramServer.botUsername)"))
                #expect(output.stdout.contains("✓ Paired with Telegram user 4242"))
                #expect(output.stdout.contains("✓ Telegram bot @\(FakeTelegramServer.botUsername): the token is accepted"))
                #expect(output.stdout.contains("codex-companion serve --config \(configPath)"))
                #expect(output.stdout.contains("codex-companion service install --config \(configPath)"))
                #expect(telegram.messages(to: 4242).map(\.text).contains { $0.hasPrefix("Paired ✓") })
                #expect(telegram.messages(to: -100).isEmpty)
                // Telegram forgets every pairing message: the daemon will not run the code as a prompt.
                #expect(telegram.unconfirmedUpdateIDs.isEmpty)
                #expect(!telegram.allowedUpdates.isEmpty && telegram.allowedUpdates.allSatisfy { $0 == ["message"] })
                let calls = telegram.calls
                #expect(calls.firstIndex(of: "deleteWebhook")! < calls.firstIndex(of: "getUpdates")!)
            }
        }
    }

    @Test func aRejectedTokenStopsWithOneClearLine() async throws {
        try await withFakeTelegram { telegram in
            let root = try Self.makeRoot()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let output = try await Self.runInit(
                ["init", "--api-base-url", telegram.baseURL, "--user-id", "1", "--all", "--search", root],
                environment: ["HOME": root + "/home", "TELEGRAM_BOT_TOKEN": "42:WRONG-secret"])
            #expect(output.exitCode == 1)
            let lines = output.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("error: Telegram rejected the token in TELEGRAM_BOT_TOKEN"), "\(output.stderr)")
            #expect(!(output.stdout + output.stderr).contains("WRONG-secret"))
            #expect(!FileManager.default.fileExists(atPath: root + "/home/.codex-companion/config.json"))
            #expect(!FileManager.default.fileExists(atPath: root + "/home/.codex-companion/bot-token"))
        }
    }

    @Test func scriptMistakesFailBeforeAnythingIsWritten() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let repo = try await workspace.makeRepository("alpha")
                var environment = workspace.homeEnvironment
                environment["TELEGRAM_BOT_TOKEN"] = telegram.token
                let config = workspace.root + "/home/.codex-companion/config.json"

                let unsaid = try await Self.runInit(["init", "--api-base-url", telegram.baseURL], environment: environment)
                #expect(unsaid.exitCode == 1)
                #expect(unsaid.stderr.contains("--all") && unsaid.stderr.contains("--project name=path"), "\(unsaid.stderr)")
                let badName = try await Self.runInit(
                    ["init", "--api-base-url", telegram.baseURL, "--project", "my app=\(repo)"], environment: environment)
                #expect(badName.exitCode == 1)
                #expect(badName.stderr.contains("\"my app\" is not a valid name"), "\(badName.stderr)")
                #expect(telegram.calls.isEmpty, "flag mistakes are found before Telegram is asked anything")

                let nobody = try await Self.runInit(
                    ["init", "--api-base-url", telegram.baseURL, "--all", "--search", repo, "--pair-timeout", "1"], environment: environment
                )
                #expect(nobody.exitCode == 1)
                #expect(nobody.stderr.contains("No pairing code arrived within 1 s"), "\(nobody.stderr)")
                #expect(!FileManager.default.fileExists(atPath: config))
            }
        }
    }

    @Test func anExistingConfigIsReplacedOnlyWithForce() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let repo = try await workspace.makeRepository("website")
                let home = workspace.root + "/home"
                let tokenSource = workspace.root + "/token.txt"
                try "\(telegram.token)\n".write(toFile: tokenSource, atomically: true, encoding: .utf8)
                let configPath = workspace.root + "/custom/config.json"
                try FileManager.default.createDirectory(atPath: workspace.root + "/custom", withIntermediateDirectories: true)
                try "{\"projects\": []}".write(toFile: configPath, atomically: true, encoding: .utf8)
                let arguments = [
                    "init", "--config", configPath, "--token-file", tokenSource, "--project", "web=\(repo)", "--user-id", "99",
                    "--api-base-url", telegram.baseURL,
                ]

                let refused = try await Self.runInit(arguments, environment: workspace.homeEnvironment)
                #expect(refused.exitCode == 1)
                #expect(refused.stderr.contains("\(configPath) already exists") && refused.stderr.contains("--force"), "\(refused.stderr)")
                #expect(try String(contentsOfFile: configPath, encoding: .utf8) == "{\"projects\": []}")
                #expect(telegram.calls.isEmpty, "nothing is asked before the refusal")

                let replaced = try await Self.runInit(arguments + ["--force"], environment: workspace.homeEnvironment)
                #expect(replaced.exitCode == 0, "\(replaced.stdout)\n\(replaced.stderr)")
                let config = try Self.json(configPath)
                #expect(Self.projects(config) == [["name": "web", "repo_path": Self.resolved(repo)]])
                let section = try #require(config["telegram"] as? [String: Any])
                #expect(section["allowed_user_ids"] as? [Int] == [99])
                #expect(section["bot_token_file"] as? String == home + "/.codex-companion/bot-token")
                #expect(try Self.mode(configPath) == 0o600)
                #expect(try Self.mode(home + "/.codex-companion/bot-token") == 0o600)
                #expect(!telegram.calls.contains("getUpdates"), "--user-id skips pairing")
                #expect(!(replaced.stdout + replaced.stderr).contains(telegram.token))
                #expect(replaced.stdout.contains("codex-companion serve --config \(configPath)"))
            }
        }
    }

    @Test func aPersonAnswersThePromptsInATerminal() async throws {
        try await withWorkspace { workspace in
            try await withFakeTelegram { telegram in
                let alpha = try await workspace.makeRepository("alpha")
                _ = try await workspace.makeRepository("beta")
                let gamma = try await workspace.makeRepository("sub/gamma")
                var environment: [String: String?] = [:]
                for (key, value) in workspace.homeEnvironment { environment[key] = value }
                environment["TELEGRAM_BOT_TOKEN"] = .some(nil)
                let home = workspace.root + "/home"

                let terminal = try await PseudoTerminal.run(
                    [CompanionProcess.executablePath, "init", "--search", workspace.root + "/repos", "--api-base-url", telegram.baseURL],
                    environment: environment, folder: workspace.root
                ) { session in
                    try await session.answer("Bot token from @BotFather", with: "42:WRONG-secret")
                    try await session.waitFor("rejected the token you typed")
                    try await session.answer("Bot token from @BotFather", occurrence: 2, with: telegram.token)
                    let text = try await session.waitFor("in a private chat")
                    let code = try #require(text.firstMatch(of: /Pairing code: (\d{6})/)?.1)
                    telegram.sendMessage(from: 4242, text: String(code))
                    try await session.answer("Which may the bot work on?", with: "1 3")
                    try await session.answer("Keep these names?", with: "n")
                    try await session.answer("Name for \(Self.resolved(alpha)) [alpha]", with: "bad name!")
                    try await session.waitFor("is not a valid name")
                    try await session.answer("Name for \(Self.resolved(alpha)) [alpha]", occurrence: 2, with: "web")
                    try await session.answer("Name for \(Self.resolved(gamma)) [gamma]", with: "")
                    try await session.answer("Install the service now? [y/N]", with: "")
                }
                #expect(terminal.exitCode == 0, "\(terminal.transcript)")
                let config = try Self.json(home + "/.codex-companion/config.json")
                #expect(
                    Self.projects(config) == [
                        ["name": "web", "repo_path": Self.resolved(alpha)], ["name": "gamma", "repo_path": Self.resolved(gamma)],
                    ])
                #expect((config["telegram"] as? [String: Any])?["allowed_user_ids"] as? [Int] == [4242])
                // Typed with echo off: neither token is on the screen.
                #expect(!terminal.transcript.contains(telegram.token) && !terminal.transcript.contains("WRONG-secret"))
                #expect(terminal.transcript.contains("✓ Telegram accepts the token you typed: it is @\(FakeTelegramServer.botUsername)"))
            }
        }
    }

    // MARK: - Helpers

    struct Output {
        var exitCode: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs init with stdin at /dev/null (no terminal), handing each stdout line to `onLine` as it is printed.
    static func runInit(
        _ arguments: [String], environment: [String: String], onLine: @escaping @Sendable (String) async throws -> Void = { _ in }
    ) async throws -> Output {
        var updates: [Environment.Key: String?] = ["TELEGRAM_BOT_TOKEN": nil]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .path(FilePath(CompanionProcess.executablePath)), arguments: Arguments(arguments),
            environment: .inherit.updating(updates), input: .none, output: .sequence, error: .string(limit: 1 << 20)
        ) { execution in
            var lines: [String] = []
            for try await line in execution.standardOutput.strings() {
                lines.append(line)
                try await onLine(line)
            }
            return lines.joined(separator: "\n")
        }
        let code: Int32
        switch result.terminationStatus {
        case .exited(let value): code = value
        case .signaled(let signal): code = 128 + signal
        }
        return Output(exitCode: code, stdout: result.closureResult, stderr: result.standardError)
    }

    static func makeRoot() throws -> String {
        let root = NSHomeDirectory() + "/.codex-companion-tests/init-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: root + "/home", withIntermediateDirectories: true)
        return root
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func projects(_ config: [String: Any]) -> [[String: String]] {
        (config["projects"] as? [[String: String]]) ?? []
    }

    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func mode(_ path: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }
}

/// Runs a command in a pseudo-terminal, as a person's shell would, through a small python3 `pty` bridge:
/// the command's terminal output comes back as the bridge's stdout, and what the test writes to the
/// bridge's stdin is typed on the terminal (echoed by it, unless the command turned echo off).
enum PseudoTerminal {
    struct Result {
        var exitCode: Int32
        var transcript: String
    }

    /// The test's side of the terminal: wait for text on the screen, type answers.
    struct Session {
        let screen: Screen
        let keyboard: StandardInputWriter

        /// Waits until `text` has appeared `occurrence` times and returns the whole screen so far.
        @discardableResult
        func waitFor(_ text: String, occurrence: Int = 1) async throws -> String {
            try await screen.waitFor(text, occurrence: occurrence)
        }

        /// Waits for the prompt, then types `reply` and Enter.
        func answer(_ prompt: String, occurrence: Int = 1, with reply: String) async throws {
            try await waitFor(prompt, occurrence: occurrence)
            _ = try await keyboard.write(reply + "\n")
        }
    }

    /// Everything the terminal showed; waiters wake on each new chunk and when the terminal closes.
    actor Screen {
        private var bytes: [UInt8] = []
        private var closed = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        var text: String { String(decoding: bytes, as: UTF8.self) }

        func append(_ chunk: [UInt8]) {
            bytes += chunk
            wake()
        }

        func close() {
            closed = true
            wake()
        }

        func waitFor(_ needle: String, occurrence: Int) async throws -> String {
            while true {
                let text = self.text
                if text.components(separatedBy: needle).count - 1 >= occurrence { return text }
                if closed { throw TestSupportError("the terminal closed before \"\(needle)\" appeared:\n\(text)") }
                await withCheckedContinuation { waiters.append($0) }
            }
        }

        private func wake() {
            let waiting = waiters
            waiters = []
            waiting.forEach { $0.resume() }
        }
    }

    static let bridge = """
        import os, pty, select, sys
        pid, master = pty.fork()
        if pid == 0:
            os.execv(sys.argv[1], sys.argv[1:])
        keyboard = sys.stdin.fileno()
        while True:
            ready = select.select([master] + ([keyboard] if keyboard is not None else []), [], [])[0]
            if master in ready:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    data = b""
                if not data:
                    break
                os.write(sys.stdout.fileno(), data)
            if keyboard is not None and keyboard in ready:
                data = os.read(keyboard, 4096)
                if data:
                    os.write(master, data)
                else:
                    keyboard = None
        sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        """

    /// Runs `command` in a terminal while `body` talks to it; the process is killed if it is still
    /// running after `limit`, which ends every wait with the screen so far.
    static func run(
        _ command: [String], environment: [String: String?], folder: String, limit: Duration = .seconds(120),
        _ body: (Session) async throws -> Void
    ) async throws -> Result {
        let script = folder + "/pty-bridge.py"
        try bridge.write(toFile: script, atomically: true, encoding: .utf8)
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .name("python3"), arguments: Arguments([script] + command), environment: .inherit.updating(updates),
            input: .inputWriter, output: .sequence, error: .string(limit: 1 << 20)
        ) { execution in
            let screen = Screen()
            let pid = execution.processIdentifier.value
            let watchdog = Task {
                try await Task.sleep(for: limit)
                kill(pid, SIGKILL)
            }
            defer { watchdog.cancel() }
            async let reading: Void = {
                for try await buffer in execution.standardOutput {
                    await screen.append(buffer.withUnsafeBytes { Array($0) })
                }
                await screen.close()
            }()
            do {
                try await body(Session(screen: screen, keyboard: execution.standardInputWriter))
            } catch {
                kill(pid, SIGKILL)
                try? await reading
                throw error
            }
            try await reading
            return await screen.text
        }
        guard case .exited(let code) = result.terminationStatus else {
            return Result(exitCode: -1, transcript: result.closureResult + result.standardError)
        }
        return Result(exitCode: code, transcript: result.closureResult + result.standardError)
    }
}
