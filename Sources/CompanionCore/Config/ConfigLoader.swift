import Foundation

/// Reads and validates the JSON config file.
///
/// This is the one place in the core that touches the file system: a config is only useful once its
/// paths are known to exist, and reporting that together with the key at fault keeps errors precise.
public struct ConfigLoader: Sendable {
    public struct Loaded: Sendable {
        public var config: CompanionConfig
        /// Non-fatal findings (unknown keys, an empty allowlist), one sentence each.
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

    private static let topLevelKeys: Set<String> = ["projects", "codex", "state_dir", "telegram", "limits"]
    private static let limitKeys: Set<String> = ["max_parallel", "task_timeout_minutes", "idle_timeout_minutes"]
    private static let projectKeys: Set<String> = ["name", "repo_path", "notes", "branch"]
    private static let codexKeys: Set<String> = ["binary", "home", "sandbox"]
    private static let telegramKeys: Set<String> = ["allowed_user_ids", "api_base_url", "bot_token_file"]
    private static let sandboxModes: Set<String> = ["read-only", "workspace-write", "danger-full-access"]

    public init(environment: UserEnvironment = UserEnvironment()) {
        self.environment = environment
    }

    public func load(path: String) throws(ConfigError) -> Loaded {
        let expanded = environment.expandingTilde(path)
        guard FileManager.default.fileExists(atPath: expanded) else {
            throw ConfigError(.missingFile, path: expanded,
                              "config file not found. Create it, for example:\n\(Self.starterConfig)")
        }
        guard let data = FileManager.default.contents(atPath: expanded) else {
            throw ConfigError(.missingFile, path: expanded, "config file cannot be read (check its permissions)")
        }
        return try parse(data, path: expanded)
    }

    public func parse(_ data: Data, path: String) throws(ConfigError) -> Loaded {
        let root: [String: Any]
        do {
            let object = try JSONSerialization.jsonObject(with: data)
            guard let dictionary = object as? [String: Any] else {
                throw ConfigError(.invalidJSON, path: path, "the top level must be a JSON object")
            }
            root = dictionary
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(.invalidJSON, path: path, "invalid JSON \(Self.position(of: error, in: data))")
        }

        var warnings: [String] = []
        warnings += Self.unknownKeys(in: root, allowed: Self.topLevelKeys, context: "")

        let projects = try parseProjects(root["projects"], path: path, warnings: &warnings)
        let codex = try parseCodex(root["codex"], path: path, warnings: &warnings)
        let stateDirectory = try Self.optionalString(root["state_dir"], key: "state_dir", path: path)
            .map(environment.expandingTilde) ?? environment.defaultStateDirectory
        guard stateDirectory.hasPrefix("/") else {
            throw ConfigError(.invalidValue, path: path, "\"state_dir\" must be an absolute path, got \"\(stateDirectory)\"")
        }
        let telegram = try parseTelegram(root["telegram"], path: path, warnings: &warnings)

        var config = CompanionConfig(projects: projects, codex: codex, stateDirectory: stateDirectory,
                                     telegram: telegram, sourcePath: path)
        config.limits = try parseLimits(root["limits"], path: path, warnings: &warnings)
        return Loaded(config: config, warnings: warnings)
    }

    private func parseProjects(_ value: Any?, path: String, warnings: inout [String]) throws(ConfigError) -> [Project] {
        guard let value else {
            throw ConfigError(.invalidValue, path: path, "missing key \"projects\" (a list of {\"name\", \"repo_path\"})")
        }
        guard let list = value as? [Any] else {
            throw ConfigError(.invalidValue, path: path, "\"projects\" must be a list")
        }
        var projects: [Project] = []
        var seen: Set<String> = []
        for (index, entry) in list.enumerated() {
            let key = "projects[\(index)]"
            guard let object = entry as? [String: Any] else {
                throw ConfigError(.invalidValue, path: path, "\"\(key)\" must be an object")
            }
            warnings += Self.unknownKeys(in: object, allowed: Self.projectKeys, context: key + ".")
            guard let name = try Self.optionalString(object["name"], key: "\(key).name", path: path) else {
                throw ConfigError(.invalidValue, path: path, "\"\(key).name\" is missing")
            }
            guard ProjectName.isValid(name) else {
                throw ConfigError(.invalidValue, path: path,
                                  "\"\(key).name\" is \"\(name)\": use a simple word (letters, digits, - and _, at most 32)")
            }
            guard seen.insert(name.lowercased()).inserted else {
                throw ConfigError(.duplicateName, path: path, "\"\(key).name\": the name \"\(name)\" is used twice (names ignore case)")
            }
            guard let rawRepo = try Self.optionalString(object["repo_path"], key: "\(key).repo_path", path: path),
                  !rawRepo.isEmpty else {
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
            projects.append(Project(
                name: name, repoPath: normalised,
                notes: try Self.optionalString(object["notes"], key: "\(key).notes", path: path),
                branch: try Self.optionalString(object["branch"], key: "\(key).branch", path: path)))
        }
        return projects
    }

    private func parseCodex(_ value: Any?, path: String, warnings: inout [String]) throws(ConfigError) -> CompanionConfig.Codex {
        guard let value else { return CompanionConfig.Codex(home: CodexHome.resolve(configured: nil, environment: environment)) }
        guard let object = value as? [String: Any] else {
            throw ConfigError(.invalidValue, path: path, "\"codex\" must be an object")
        }
        warnings += Self.unknownKeys(in: object, allowed: Self.codexKeys, context: "codex.")
        let binary = try Self.optionalString(object["binary"], key: "codex.binary", path: path).map(environment.expandingTilde)
        let home = CodexHome.resolve(configured: try Self.optionalString(object["home"], key: "codex.home", path: path),
                                     environment: environment)
        let sandbox = try Self.optionalString(object["sandbox"], key: "codex.sandbox", path: path) ?? "workspace-write"
        guard Self.sandboxModes.contains(sandbox) else {
            throw ConfigError(.invalidValue, path: path,
                              "\"codex.sandbox\" must be one of \(Self.sandboxModes.sorted().joined(separator: ", "))")
        }
        return CompanionConfig.Codex(binary: binary, home: home, sandbox: sandbox)
    }

    private func parseTelegram(_ value: Any?, path: String, warnings: inout [String]) throws(ConfigError) -> CompanionConfig.Telegram? {
        guard let value else { return nil }
        guard let object = value as? [String: Any] else {
            throw ConfigError(.invalidValue, path: path, "\"telegram\" must be an object")
        }
        warnings += Self.unknownKeys(in: object, allowed: Self.telegramKeys, context: "telegram.")
        var ids: [Int64] = []
        if let rawIDs = object["allowed_user_ids"] {
            guard let list = rawIDs as? [Any] else {
                throw ConfigError(.invalidValue, path: path, "\"telegram.allowed_user_ids\" must be a list of numbers")
            }
            for item in list {
                guard let number = Self.number(item),
                      number.doubleValue == Double(number.int64Value) else {
                    throw ConfigError(.invalidValue, path: path,
                                      "\"telegram.allowed_user_ids\" must hold whole numbers (Telegram user ids)")
                }
                ids.append(number.int64Value)
            }
        }
        let base = try Self.optionalString(object["api_base_url"], key: "telegram.api_base_url", path: path)
            ?? "https://api.telegram.org"
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ConfigError(.invalidValue, path: path, "\"telegram.api_base_url\" must start with http:// or https://")
        }
        let tokenFile = try Self.optionalString(object["bot_token_file"], key: "telegram.bot_token_file", path: path)
            .map(environment.expandingTilde)
        return CompanionConfig.Telegram(allowedUserIDs: ids, apiBaseURL: base, botTokenFile: tokenFile)
    }

    private func parseLimits(_ value: Any?, path: String, warnings: inout [String]) throws(ConfigError) -> CompanionConfig.Limits {
        guard let value else { return CompanionConfig.Limits() }
        guard let object = value as? [String: Any] else {
            throw ConfigError(.invalidValue, path: path, "\"limits\" must be an object")
        }
        warnings += Self.unknownKeys(in: object, allowed: Self.limitKeys, context: "limits.")
        var limits = CompanionConfig.Limits()
        func number(_ key: String, minimum: Double) throws(ConfigError) -> Double? {
            guard let raw = object[key] else { return nil }
            guard let number = Self.number(raw), number.doubleValue >= minimum else {
                throw ConfigError(.invalidValue, path: path, "\"limits.\(key)\" must be a number of at least \(minimum.formatted())")
            }
            return number.doubleValue
        }
        if let parallel = try number("max_parallel", minimum: 1) { limits.maxParallel = Int(parallel) }
        if let minutes = try number("task_timeout_minutes", minimum: 0.01) { limits.taskTimeoutMinutes = minutes }
        if let minutes = try number("idle_timeout_minutes", minimum: 0.01) { limits.idleTimeoutMinutes = minutes }
        return limits
    }

    /// A JSON number, not a boolean: JSON booleans also arrive as NSNumber, with objCType "c".
    private static func number(_ value: Any) -> NSNumber? {
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        return number
    }

    private static func optionalString(_ value: Any?, key: String, path: String) throws(ConfigError) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let string = value as? String else {
            throw ConfigError(.invalidValue, path: path, "\"\(key)\" must be a string")
        }
        return string
    }

    private static func unknownKeys(in object: [String: Any], allowed: Set<String>, context: String) -> [String] {
        object.keys.filter { !allowed.contains($0) }.sorted().map { key in
            "unknown key \"\(context)\(key)\" is ignored (known: \(allowed.sorted().joined(separator: ", ")))"
        }
    }

    /// "at line L, column C", computed from the character offset Foundation puts in its message.
    private static func position(of error: Error, in data: Data) -> String {
        let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        guard let range = detail.range(of: #"character (\d+)"#, options: .regularExpression),
              let offset = Int(detail[range].split(separator: " ")[1]) else {
            return "(\(detail))"
        }
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return "at line \(line), column \(column)"
    }
}
