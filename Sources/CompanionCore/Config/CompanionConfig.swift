import Foundation

/// The validated configuration. Built only by `ConfigLoader`, so every value here has been checked.
/// The initialisers' default arguments are the config's defaults, taken from `ConfigDefaults`.
public struct CompanionConfig: Sendable, Equatable {
    public struct Codex: Sendable, Equatable {
        /// Path to the codex binary; nil means "codex" on PATH.
        public var binary: String?
        /// The CODEX_HOME in use, and where that choice came from (config, environment or default).
        public var home: CodexHome
        /// Sandbox mode passed to `codex exec -s` (or the app-server's thread).
        public var sandbox: String
        /// How Codex runs.
        public var engine: CodexEngine
        /// When Codex asks before acting (app-server engine only).
        public var approvalPolicy: ApprovalPolicy

        public init(
            binary: String? = nil, home: CodexHome, sandbox: String = ConfigDefaults.sandbox,
            engine: CodexEngine = ConfigDefaults.engine, approvalPolicy: ApprovalPolicy = ConfigDefaults.approvalPolicy
        ) {
            self.binary = binary
            self.home = home
            self.sandbox = sandbox
            self.engine = engine
            self.approvalPolicy = approvalPolicy
        }
    }

    public struct Telegram: Sendable, Equatable {
        public var allowedUserIDs: [Int64]
        public var apiBaseURL: String
        public var botTokenFile: String?

        public init(allowedUserIDs: [Int64], apiBaseURL: String = ConfigDefaults.telegramAPIBaseURL, botTokenFile: String? = nil) {
            self.allowedUserIDs = allowedUserIDs
            self.apiBaseURL = apiBaseURL
            self.botTokenFile = botTokenFile
        }
    }

    /// Queue and time limits for Codex runs, from any client.
    public struct Limits: Sendable, Equatable {
        public var maxParallel: Int
        public var taskTimeoutMinutes: Double
        public var idleTimeoutMinutes: Double

        public init(
            maxParallel: Int = ConfigDefaults.maxParallel,
            taskTimeoutMinutes: Double = ConfigDefaults.taskTimeoutMinutes,
            idleTimeoutMinutes: Double = ConfigDefaults.idleTimeoutMinutes
        ) {
            self.maxParallel = maxParallel
            self.taskTimeoutMinutes = taskTimeoutMinutes
            self.idleTimeoutMinutes = idleTimeoutMinutes
        }
    }

    /// Approval requests (app-server engine).
    public struct Approvals: Sendable, Equatable {
        /// An unanswered request is declined after this many seconds.
        public var timeoutSeconds: Double
        /// A desk turn's request reaches the chats after this many seconds unanswered at the terminal.
        public var deskGraceSeconds: Double

        public init(
            timeoutSeconds: Double = ConfigDefaults.approvalTimeoutSeconds,
            deskGraceSeconds: Double = ConfigDefaults.deskApprovalGraceSeconds
        ) {
            self.timeoutSeconds = timeoutSeconds
            self.deskGraceSeconds = deskGraceSeconds
        }
    }

    /// Photos and files from a chat.
    public struct Files: Sendable, Equatable {
        public var maxMegabytes: Double

        public init(maxMegabytes: Double = ConfigDefaults.maxFileMegabytes) {
            self.maxMegabytes = maxMegabytes
        }

        public var maxBytes: Int { Int(maxMegabytes * 1024 * 1024) }
    }

    /// An OpenAI-compatible speech-to-text service for voice notes.
    public struct Transcription: Sendable, Equatable {
        /// `…/v1`: the request goes to `<base_url>/audio/transcriptions`.
        public var baseURL: String
        public var model: String
        /// The environment variable holding the API key, or a file holding it (one of the two).
        public var apiKeyEnv: String?
        public var apiKeyFile: String?

        public init(baseURL: String, model: String = ConfigDefaults.transcriptionModel, apiKeyEnv: String?, apiKeyFile: String?) {
            self.baseURL = baseURL
            self.model = model
            self.apiKeyEnv = apiKeyEnv
            self.apiKeyFile = apiKeyFile
        }
    }

    /// The local web dashboard.
    public struct Dashboard: Sendable, Equatable {
        public var enabled: Bool
        public var host: String
        /// 0: any free port (the login link names the one taken).
        public var port: Int
        /// Binding to anything but loopback must be asked for by name.
        public var allowRemote: Bool

        public init(
            enabled: Bool = ConfigDefaults.dashboardEnabled, host: String = ConfigDefaults.dashboardHost,
            port: Int = ConfigDefaults.dashboardPort, allowRemote: Bool = false
        ) {
            self.enabled = enabled
            self.host = host
            self.port = port
            self.allowRemote = allowRemote
        }

        /// Whether `host` is a loopback address.
        public var isLoopback: Bool { host == "127.0.0.1" || host == "localhost" || host == "::1" }
    }

    public var projects: [Project]
    public var codex: Codex
    public var dashboard = Dashboard()
    public var files = Files()
    public var transcription: Transcription?
    public var limits = Limits()
    public var approvals = Approvals()
    public var stateDirectory: String
    public var telegram: Telegram?
    /// Where the config was read from, for messages.
    public var sourcePath: String

    public init(
        projects: [Project], codex: Codex, stateDirectory: String,
        telegram: Telegram? = nil, sourcePath: String = ""
    ) {
        self.projects = projects
        self.codex = codex
        self.stateDirectory = stateDirectory
        self.telegram = telegram
        self.sourcePath = sourcePath
    }

    public func project(named name: String) -> Project? {
        projects.first { $0.name.lowercased() == name.lowercased() }
    }

    public var projectNames: [String] { projects.map(\.name) }
}
