import CodexAdapter
import CompanionCore
import Foundation
import Logging
import Store

/// Everything a command needs, built once from the config: the store, the session index, the audit trail,
/// and the task service with its Codex bridge.
public struct CompanionContext: Sendable {
    public let config: CompanionConfig
    public let database: AppDatabase
    public let activityLog: ActivityLogFile
    public let sessions: RolloutIndex
    public let codexBinary: String?
    /// The user's environment the context was built from (`$HOME`, `$CODEX_HOME`, `$PATH`).
    public let environment: UserEnvironment
    /// The bot token and the transcription key: kept from Codex's environment, taken out of what it reports.
    public let secrets: CompanionSecrets
    /// Turns through Codex's daemon, and the desk watcher, share its one connection.
    public let daemon: DaemonRunner

    /// Loads the config (handing its warnings to `warn`) and opens the state directory. `environment` is
    /// the user's shell environment: it decides `~`, the default state directory, CODEX_HOME and PATH.
    public static func load(
        configPath: String, environment: UserEnvironment = UserEnvironment(),
        warn: (String) -> Void
    ) throws -> CompanionContext {
        let loaded: ConfigLoader.Loaded
        do {
            loaded = try ConfigLoader(environment: environment).load(path: configPath)
        } catch {
            throw UserFacingError(error.description)
        }
        return try open(loaded, environment: environment, warn: warn)
    }

    /// A first run without a config file: the git repository holding `directory` is the only project.
    public static func firstRun(
        directory: String, environment: UserEnvironment = UserEnvironment(), warn: (String) -> Void
    ) throws -> CompanionContext {
        let loaded: ConfigLoader.Loaded
        do {
            loaded = try ConfigLoader(environment: environment).firstRun(directory: directory)
        } catch {
            throw UserFacingError(error.description)
        }
        return try open(loaded, environment: environment, warn: warn)
    }

    /// Opens the state directory of a loaded config.
    private static func open(
        _ loaded: ConfigLoader.Loaded, environment: UserEnvironment, warn: (String) -> Void
    ) throws -> CompanionContext {
        for warning in loaded.warnings {
            warn("\(loaded.config.sourcePath): \(warning)")
        }
        let config = loaded.config
        let stateDirectory = config.stateDirectory
        do {
            try StatePermissions.createDirectory(stateDirectory)
        } catch {
            throw UserFacingError("Cannot create the state directory \(stateDirectory): \(error.localizedDescription)")
        }
        StatePermissions.prepareFiles(in: stateDirectory)
        let database: AppDatabase
        do {
            database = try AppDatabase(path: (stateDirectory as NSString).appendingPathComponent("companion.sqlite"))
        } catch {
            throw UserFacingError("Cannot open the database in \(stateDirectory): \(error)")
        }
        return CompanionContext(
            config: config, database: database, activityLog: ActivityLogFile(directory: stateDirectory),
            sessions: RolloutIndex(codexHome: config.codex.home.path, index: database),
            codexBinary: CodexBinaryLocator.locate(configured: config.codex.binary, environment: environment.variables),
            environment: environment,
            secrets: CompanionSecrets.of(
                config, environment: environment.variables, readFile: { try? String(contentsOfFile: $0, encoding: .utf8) }),
            daemon: DaemonRunner(
                socketPath: CodexDaemon.socketPath(codexHome: config.codex.home.path), sandbox: config.codex.sandbox,
                approvalPolicy: config.codex.approvalPolicy))
    }

    /// The Codex side of a task: the configured engine on the configured binary, the session index, the store.
    public func bridge(logger: Logger = Logger(label: "companion.bridge")) -> CodexBridge {
        CodexBridge(
            runner: codexRunner(), sessions: sessions, store: database, secrets: secrets, processes: OrphanReaper(), logger: logger)
    }

    /// The engine `codex.engine` names, with the user's environment minus the companion's secrets; a
    /// turn goes through Codex's daemon instead whenever one answers (see `PreferDaemon`), and children
    /// start one at a time (see `OneStartAtATime`).
    public func codexRunner() -> any CodexRunning {
        let binary = codexBinary ?? config.codex.binary ?? "codex"
        let childEnvironment = secrets.childEnvironment(environment.variables)
        let engine: any CodexRunning
        let appServer = AppServerRunner(
            binaryPath: binary, codexHome: config.codex.home.path, environment: childEnvironment, sandbox: config.codex.sandbox,
            approvalPolicy: config.codex.approvalPolicy)
        switch config.codex.engine {
        case .exec:
            let exec = CodexProcessRunner(
                binaryPath: binary, codexHome: config.codex.home.path, environment: childEnvironment, sandbox: config.codex.sandbox)
            engine = ExecWithForks(exec, forkingWith: appServer)
        case .appServer:
            engine = appServer
        }
        return OneStartAtATime(PreferDaemon(daemon, otherwise: engine))
    }

    /// The task service of this process, with the configured limits. Every client of this process (the
    /// bot, or the CLI's `run`) goes through the one it is given.
    public func taskService(logger: Logger = Logger(label: "companion.tasks")) -> TaskService {
        let limits = config.limits
        let settings = TaskService.Settings(
            maxParallel: limits.maxParallel, taskTimeout: .seconds(limits.taskTimeoutMinutes * 60),
            idleTimeout: .seconds(limits.idleTimeoutMinutes * 60), ownerPID: ProcessInfo.processInfo.processIdentifier,
            approvalTimeout: .seconds(config.approvals.timeoutSeconds), deskApprovalGrace: .seconds(config.approvals.deskGraceSeconds))
        return TaskService(
            settings: settings, bridge: bridge(), store: database, reaper: OrphanReaper(), audit: audit, logger: logger)
    }

    /// The same context with the dashboard on `port` (`serve --dashboard-port`).
    public func withDashboardPort(_ port: Int) -> CompanionContext {
        var config = self.config
        config.dashboard.port = port
        return CompanionContext(
            config: config, database: database, activityLog: activityLog, sessions: sessions, codexBinary: codexBinary,
            environment: environment, secrets: secrets, daemon: daemon)
    }

    /// The one audit trail: the store's audit table and the activity log file.
    public var audit: AuditTrail {
        AuditTrail(table: database, log: activityLog, secrets: secrets)
    }

    /// The project by name, or an error listing the valid names.
    public func project(named name: String) throws -> Project {
        guard let project = config.project(named: name) else {
            let names = config.projectNames.joined(separator: ", ")
            throw UserFacingError("Unknown project \"\(name)\". Projects: \(names.isEmpty ? "none configured" : names).")
        }
        return project
    }
}
