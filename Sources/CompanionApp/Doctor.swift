import AsyncHTTPClient
import CodexAdapter
import CompanionCore
import Foundation
import TelegramAdapter

/// Checks what a new user gets wrong in the first five minutes: each repository, codex and its login,
/// the Codex home in use (and sessions left in another one), the state directory's privacy, and, when
/// Telegram is configured, the token and the allowlist. `codex-companion doctor` prints the findings.
public struct Doctor: Sendable {
    public enum Level: Sendable, Equatable {
        case ok, warning, problem

        public var mark: String {
            switch self {
            case .ok: "✓"
            case .warning: "!"
            case .problem: "✗"
            }
        }
    }

    public struct Finding: Sendable, Equatable {
        public var level: Level
        public var text: String
    }

    let context: CompanionContext

    public init(context: CompanionContext) {
        self.context = context
    }

    public func run() async -> [Finding] {
        var findings: [Finding] = []
        let config = context.config
        for project in config.projects {
            let isGit = GitRepository.contains(project.repoPath)
            findings.append(
                Finding(
                    level: isGit ? .ok : .problem,
                    text: "\(project.name): \(project.repoPath)"
                        + (isGit ? " is a git repository" : " is not a git repository (run `git init` there)")))
        }
        let home = context.config.codex.home
        var isDirectory: ObjCBool = false
        let homeExists = FileManager.default.fileExists(atPath: home.path, isDirectory: &isDirectory) && isDirectory.boolValue
        findings += await codexFindings(checkLogin: homeExists)
        if homeExists {
            findings += await codexHomeFindings()
        } else {
            findings.append(
                Finding(
                    level: .problem,
                    text: "Codex home \(home.path) (\(home.origin.explanation)) does not exist, "
                        + "and Codex will not start without it: run `codex login` once, or point CODEX_HOME (or codex.home) at your Codex folder"
                ))
        }
        findings += stateFindings()
        findings.append(dashboardFinding)
        if let telegram = config.telegram {
            findings += await telegramFindings(telegram)
        } else {
            findings.append(
                Finding(
                    level: .warning,
                    text: "Telegram is off (no \"telegram\" section): `codex-companion init` sets up the bot and pairs your account"))
        }
        return findings
    }

    private func codexFindings(checkLogin: Bool) async -> [Finding] {
        guard let binary = context.codexBinary else {
            return [Finding(level: .problem, text: CodexBinaryLocator.notFoundMessage(context.config.codex.binary ?? "codex on PATH"))]
        }
        let probe = CodexCLIProbe(binaryPath: binary, codexHome: context.config.codex.home.path)
        guard let version = await probe.version() else {
            return [Finding(level: .problem, text: "codex \(binary) does not answer --version")]
        }
        var findings = [Finding(level: .ok, text: "codex \(binary): \(version)"), engineFinding, await daemonFinding]
        guard checkLogin else { return findings }
        switch await probe.loginStatus() {
        case .loggedIn(let status):
            findings.append(Finding(level: .ok, text: "Codex login: \(status)"))
        case .customProvider(let provider):
            findings.append(
                Finding(level: .ok, text: "Codex uses the model provider \"\(provider)\" from its config.toml (no login needed)"))
        case .notLoggedIn:
            findings.append(Finding(level: .problem, text: "Codex is not logged in: run `codex login` in a terminal"))
        case .unknown(let output):
            findings.append(Finding(level: .warning, text: "Codex login status unclear: \(output.prefix(200))"))
        }
        return findings
    }

    /// Where the dashboard listens, or that it is off.
    private var dashboardFinding: Finding {
        let dashboard = context.config.dashboard
        guard dashboard.enabled else { return Finding(level: .ok, text: "dashboard: off (dashboard.enabled is false)") }
        let port = dashboard.port == 0 ? "a free port chosen at start" : "\(dashboard.port)"
        let remote = dashboard.isLoopback ? "" : " (not loopback: other machines can reach it)"
        return Finding(
            level: dashboard.isLoopback ? .ok : .warning,
            text: "dashboard: \(dashboard.host), port \(port)\(remote); `codex-companion dashboard` prints a login link")
    }

    /// Which engine runs Codex, and (on app-server) when Codex asks before acting.
    private var engineFinding: Finding {
        let codex = context.config.codex
        switch codex.engine {
        case .exec:
            return Finding(
                level: .ok,
                text: "engine: exec (codex exec --json, sandbox \(codex.sandbox)): no approvals or steering; "
                    + "set \"codex.engine\": \"app-server\" for them")
        case .appServer:
            return Finding(
                level: .ok,
                text: "engine: app-server (sandbox \(codex.sandbox), approval policy \(codex.approvalPolicy.rawValue), "
                    + "unanswered requests declined after \(Int(context.config.approvals.timeoutSeconds)) s)")
        }
    }

    /// Whether Codex's daemon runs (Codex 0.151+ leaves one behind its terminal UI), and so which way turns go.
    private var daemonFinding: Finding {
        get async {
            let socket = CodexDaemon.socketPath(codexHome: context.config.codex.home.path)
            switch await DaemonProbe.status(socketPath: socket) {
            case .running(let userAgent):
                let version = DaemonProbe.version(inUserAgent: userAgent).map { "Codex \($0)" } ?? userAgent
                return Finding(
                    level: .ok,
                    text: "Codex's daemon runs (\(version)): turns go through it, in the same live session as your terminal")
            case .notRunning:
                return Finding(
                    level: .ok,
                    text: "Codex's daemon is not running: turns start their own Codex with the engine above "
                        + "(a terminal `codex` 0.151 or later starts the daemon, and turns then go through it)")
            }
        }
    }

    private func codexHomeFindings() async -> [Finding] {
        let home = context.config.codex.home
        let count = (try? await context.sessions.sessionCount()) ?? 0
        var findings = [
            Finding(level: .ok, text: "Codex home \(home.path) (\(home.origin.explanation)): \(count) session\(count == 1 ? "" : "s")")
        ]
        // Sessions of a repository in a Codex home the companion does not read would never be continued.
        let environment = context.environment
        let others = [environment.defaultCodexHome, environment.variables["CODEX_HOME"].map(environment.expandingTilde)]
            .compactMap { $0 }.filter { !$0.isEmpty && $0 != home.path }
        var withoutSessions: [Project] = []
        for project in context.config.projects
        where ((try? await context.sessions.sessions(inRepository: project.repoPath, limit: 1)) ?? []).isEmpty {
            withoutSessions.append(project)
        }
        for other in Set(others).sorted() where FileManager.default.fileExists(atPath: other + "/sessions") {
            let finder = RolloutIndex(codexHome: other, index: context.database)
            for project in withoutSessions {
                let there = (try? await finder.sessions(inRepository: project.repoPath, limit: 1)) ?? []
                guard !there.isEmpty else { continue }
                findings.append(
                    Finding(
                        level: .warning,
                        text:
                            "\(project.name) has Codex sessions in \(other) but none in \(home.path), the home in use: "
                            + "set \"codex\": {\"home\": \"\(other)\"} in the config if that is where you work"))
            }
        }
        return findings
    }

    private func stateFindings() -> [Finding] {
        let directory = context.config.stateDirectory
        let writable = FileManager.default.isWritableFile(atPath: directory)
        var findings = [
            Finding(
                level: writable ? .ok : .problem,
                text: "state directory \(directory)\(writable ? " is writable" : " is not writable")")
        ]
        let secretFiles = [context.config.telegram?.botTokenFile, context.config.transcription?.apiKeyFile].compactMap { $0 }
        for (path, mode) in StatePermissions.problems(stateDirectory: directory, secretFiles: secretFiles) {
            let wanted = path == directory ? "700" : "600"
            findings.append(
                Finding(
                    level: .warning,
                    text:
                        "\(path) is readable by other users (mode \(String(mode & 0o777, radix: 8))): run `chmod \(wanted) \(path)`"))
        }
        return findings
    }

    private func telegramFindings(_ telegram: CompanionConfig.Telegram) async -> [Finding] {
        var findings: [Finding] = []
        if telegram.allowedUserIDs.isEmpty {
            findings.append(
                Finding(
                    level: .problem,
                    text:
                        "telegram.allowed_user_ids is empty, so nobody can use the bot: add your Telegram user id"))
        } else {
            findings.append(Finding(level: .ok, text: "Telegram allowlist: \(telegram.allowedUserIDs.count) user(s)"))
        }
        let token: String
        do {
            token = try BotToken.load(config: telegram, environment: context.environment.variables)
        } catch {
            findings.append(Finding(level: .problem, text: "\(error)"))
            return findings
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = BotAPIClient(baseURL: telegram.apiBaseURL, token: token, http: http)
        do {
            let username = try await client.getMe(timeout: .seconds(10)).username ?? "?"
            findings.append(Finding(level: .ok, text: "Telegram bot @\(username): the token is accepted"))
        } catch {
            if error.isBadToken {
                findings.append(Finding(level: .problem, text: "Telegram rejected the bot token: check it with @BotFather"))
            } else {
                findings.append(Finding(level: .warning, text: "Telegram could not be reached to check the token: \(error)"))
            }
        }
        try? await http.shutdown()
        return findings
    }
}
