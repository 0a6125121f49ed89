import Foundation

/// Reads and validates the JSON config file.
///
/// This is the one place in the core that touches the file system: a config is only useful once its
/// paths are known to exist, and reporting that together with the key at fault keeps errors precise.
/// `ConfigFile` decodes the JSON (types, unknown keys, limit minimums); this type checks what the values
/// mean and builds the `CompanionConfig`. Keys the file leaves out keep the initialisers' defaults
/// (`ConfigDefaults`).
public struct ConfigLoader: Sendable {
    public struct Loaded: Sendable {
        public var config: CompanionConfig
        /// Non-fatal findings (unknown keys), one sentence each.
        public var warnings: [String]
    }

    /// `$HOME` (for `~` and the default state directory) and `$CODEX_HOME`, as the user's shell has them.
    public let environment: UserEnvironment

    public static let starterConfig = """
        {
          "projects": [
            {"name": "myproject", "repo_path": "/absolute/path/to/myproject", "notes": "optional"}
          ],
          "codex": {"binary": "optional: path to codex, default codex on PATH"},
          "state_dir": "optional: default ~/.codex-companion",
          "telegram": {"allowed_user_ids": [123456789]}
        }
        """

    private static let sandboxModes: Set<String> = ["read-only", "workspace-write", "danger-full-access"]

    public init(environment: UserEnvironment = UserEnvironment()) {
        self.environment = environment
    }

    public func load(path: String) throws(ConfigError) -> Loaded {
        let expanded = environment.expandingTilde(path)
        guard FileManager.default.fileExists(atPath: expanded) else {
            throw ConfigError(
                .missingFile, path: expanded,
                "config file not found. Create it, for example:\n\(Self.starterConfig)")
        }
        guard let data = FileManager.default.contents(atPath: expanded) else {
            throw ConfigError(.missingFile, path: expanded, "config file cannot be read (check its permissions)")
        }
        return try parse(data, path: expanded)
    }

    /// The embedded default for a first run without a config file: the git repository that holds
    /// `directory` is the only project, the dashboard on, Telegram off, everything else at its default.
    public func firstRun(directory: String) throws(ConfigError) -> Loaded {
        let start = URL(fileURLWithPath: environment.expandingTilde(directory)).standardizedFileURL.resolvingSymlinksInPath().path
        var candidate = start
        while !FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent(".git")) {
            let parent = (candidate as NSString).deletingLastPathComponent
            guard parent != candidate, !parent.isEmpty else {
                throw ConfigError(
                    .badRepoPath, path: start,
                    "not inside a git repository. Run this in your project's folder (or pass --project DIR), or write a config (codex-companion init)"
                )
            }
            candidate = parent
        }
        let folder = (candidate as NSString).lastPathComponent
        var name = String(folder.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(32))
        if !ProjectName.isValid(name) { name = "project" }
        let config = CompanionConfig(
            projects: [Project(name: name, repoPath: candidate)],
            codex: CompanionConfig.Codex(home: CodexHome.resolve(configured: nil, environment: environment)),
            stateDirectory: environment.defaultStateDirectory, sourcePath: "(no config file: first run in \(candidate))")
        return Loaded(config: config, warnings: [])
    }

    public func parse(_ data: Data, path: String) throws(ConfigError) -> Loaded {
        let file = try ConfigFile.decode(data, path: path)
        guard let entries = file.projects else {
            throw ConfigError(.invalidValue, path: path, "missing key \"projects\" (a list of {\"name\", \"repo_path\"})")
        }
        let projects = try validatedProjects(entries, path: path)
        let codex = try validatedCodex(file.codex, path: path)
        let stateDirectory = file.stateDir.map(environment.expandingTilde) ?? environment.defaultStateDirectory
        guard stateDirectory.hasPrefix("/") else {
            throw ConfigError(.invalidValue, path: path, "\"state_dir\" must be an absolute path, got \"\(stateDirectory)\"")
        }
        var telegram: CompanionConfig.Telegram?
        if let section = file.telegram { telegram = try validatedTelegram(section, path: path) }

        var config = CompanionConfig(
            projects: projects, codex: codex, stateDirectory: stateDirectory,
            telegram: telegram, sourcePath: path)
        if let section = file.limits { config.limits = Self.limits(from: section) }
        if let seconds = file.approvals?.timeoutSeconds { config.approvals.timeoutSeconds = seconds }
        if let seconds = file.approvals?.deskGraceSeconds { config.approvals.deskGraceSeconds = seconds }
        if let megabytes = file.files?.maxMegabytes { config.files.maxMegabytes = megabytes }
        if let section = file.dashboard { config.dashboard = try Self.dashboard(from: section, path: path) }
        if let section = file.transcription { config.transcription = try validatedTranscription(section, path: path) }
        return Loaded(config: config, warnings: file.warnings)
    }

    /// Checks each project's name (valid, unique ignoring case) and repository (an existing directory,
    /// given as an absolute path or one starting with `~`), and resolves symlinks in the path.
    private func validatedProjects(_ entries: [ConfigFile.ProjectEntry], path: String) throws(ConfigError) -> [Project] {
        var projects: [Project] = []
        var seen: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let key = "projects[\(index)]"
            guard let name = entry.name else {
                throw ConfigError(.invalidValue, path: path, "\"\(key).name\" is missing")
            }
            guard ProjectName.isValid(name) else {
                throw ConfigError(
                    .invalidValue, path: path,
                    "\"\(key).name\" is \"\(name)\": use a simple word (letters, digits, - and _, at most 32)")
            }
            guard seen.insert(name.lowercased()).inserted else {
                throw ConfigError(.duplicateName, path: path, "\"\(key).name\": the name \"\(name)\" is used twice (names ignore case)")
            }
            guard let rawRepo = entry.repoPath, !rawRepo.isEmpty else {
                throw ConfigError(.badRepoPath, path: path, "\"\(key).repo_path\" is missing")
            }
            let repo = environment.expandingTilde(rawRepo)
            guard repo.hasPrefix("/") else {
                throw ConfigError(.badRepoPath, path: path, "\"\(key).repo_path\" must be an absolute path, got \"\(rawRepo)\"")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: repo, isDirectory: &isDirectory) else {
                throw ConfigError(.badRepoPath, path: path, "\"\(key).repo_path\": \(repo) does not exist")
            }
            guard isDirectory.boolValue else {
                throw ConfigError(.badRepoPath, path: path, "\"\(key).repo_path\": \(repo) is not a directory")
            }
            let normalised = URL(fileURLWithPath: repo).standardizedFileURL.resolvingSymlinksInPath().path
            projects.append(Project(name: name, repoPath: normalised, notes: entry.notes, branch: entry.branch))
        }
        return projects
    }

    /// The binary with `~` expanded, the Codex home (config, then `$CODEX_HOME`, then `~/.codex`), and a
    /// known sandbox mode. Without a `codex` section all three are the defaults.
    private func validatedCodex(_ section: ConfigFile.CodexSection?, path: String) throws(ConfigError) -> CompanionConfig.Codex {
        var codex = CompanionConfig.Codex(
            binary: section?.binary.map(environment.expandingTilde),
            home: CodexHome.resolve(configured: section?.home, environment: environment))
        if let sandbox = section?.sandbox { codex.sandbox = sandbox }
        guard Self.sandboxModes.contains(codex.sandbox) else {
            throw ConfigError(
                .invalidValue, path: path,
                "\"codex.sandbox\" must be one of \(Self.sandboxModes.sorted().joined(separator: ", "))")
        }
        if let engine = section?.engine {
            guard let known = CodexEngine(rawValue: engine) else {
                throw ConfigError(
                    .invalidValue, path: path,
                    "\"codex.engine\" must be one of \(CodexEngine.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(engine)\"")
            }
            codex.engine = known
        }
        if let policy = section?.approvalPolicy {
            guard let known = ApprovalPolicy(rawValue: policy) else {
                throw ConfigError(
                    .invalidValue, path: path,
                    "\"codex.approval_policy\" must be one of \(ApprovalPolicy.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(policy)\""
                )
            }
            codex.approvalPolicy = known
        }
        return codex
    }

    /// The allowlist (empty when left out), an http(s) Bot API base URL, and the token file with `~` expanded.
    private func validatedTelegram(_ section: ConfigFile.TelegramSection, path: String) throws(ConfigError) -> CompanionConfig.Telegram {
        var telegram = CompanionConfig.Telegram(
            allowedUserIDs: section.allowedUserIDs ?? [],
            botTokenFile: section.botTokenFile.map(environment.expandingTilde))
        if let base = section.apiBaseURL { telegram.apiBaseURL = base }
        guard telegram.apiBaseURL.hasPrefix("http://") || telegram.apiBaseURL.hasPrefix("https://") else {
            throw ConfigError(.invalidValue, path: path, "\"telegram.api_base_url\" must start with http:// or https://")
        }
        return telegram
    }

    /// A base URL, a model (default whisper-1) and exactly one source for the key.
    private func validatedTranscription(
        _ section: ConfigFile.TranscriptionSection, path: String
    ) throws(ConfigError) -> CompanionConfig.Transcription {
        guard let base = section.baseURL, base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ConfigError(
                .invalidValue, path: path, "\"transcription.base_url\" must be an http(s) URL, e.g. https://api.openai.com/v1")
        }
        guard (section.apiKeyEnv == nil) != (section.apiKeyFile == nil) else {
            throw ConfigError(
                .invalidValue, path: path,
                "\"transcription\" needs the API key from one place: \"api_key_env\" (a variable name) or \"api_key_file\"")
        }
        var transcription = CompanionConfig.Transcription(
            baseURL: base, apiKeyEnv: section.apiKeyEnv, apiKeyFile: section.apiKeyFile.map(environment.expandingTilde))
        if let model = section.model { transcription.model = model }
        return transcription
    }

    /// The dashboard's settings; a host that is not loopback needs `allow_remote` (anyone who can reach
    /// the port could try to log in).
    private static func dashboard(from section: ConfigFile.DashboardSection, path: String) throws(ConfigError) -> CompanionConfig.Dashboard
    {
        var dashboard = CompanionConfig.Dashboard()
        if let enabled = section.enabled { dashboard.enabled = enabled }
        if let host = section.host { dashboard.host = host }
        if let port = section.port { dashboard.port = port }
        if let allow = section.allowRemote { dashboard.allowRemote = allow }
        guard dashboard.isLoopback || dashboard.allowRemote else {
            throw ConfigError(
                .invalidValue, path: path,
                "\"dashboard.host\" is \"\(dashboard.host)\", which is not loopback: other machines could reach the dashboard. Set \"allow_remote\": true if you mean it"
            )
        }
        return dashboard
    }

    /// The limits the file sets, the others at their defaults. The minimums were checked while decoding.
    private static func limits(from section: ConfigFile.LimitsSection) -> CompanionConfig.Limits {
        var limits = CompanionConfig.Limits()
        if let parallel = section.maxParallel { limits.maxParallel = Int(parallel) }
        if let minutes = section.taskTimeoutMinutes { limits.taskTimeoutMinutes = minutes }
        if let minutes = section.idleTimeoutMinutes { limits.idleTimeoutMinutes = minutes }
        return limits
    }
}
