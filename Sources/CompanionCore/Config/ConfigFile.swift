/// The config file as `JSONDecoder` reads it: every key optional, values checked for their JSON type only.
///
/// `ConfigLoader` decides which keys are required and checks what the values mean (names, paths, modes).
/// The sections decode by hand rather than with the synthesised `init(from:)` for two reasons: each
/// object notes the keys it does not know, so a typo becomes a warning, and a JSON `null` is absent
/// only for a string (as the config has always had it) but a wrong value for an object, a list or a number.
/// Keys decode in the order projects, codex, state_dir, telegram, limits (within a section, as listed),
/// and the first wrong value stops decoding, before any of `ConfigLoader`'s checks.
struct ConfigFile: Decodable {
    var projects: [ProjectEntry]?
    var codex: CodexSection?
    var stateDir: String?
    var telegram: TelegramSection?
    var limits: LimitsSection?
    var approvals: ApprovalsSection?
    var files: FilesSection?
    var transcription: TranscriptionSection?
    var dashboard: DashboardSection?
    /// One per unknown key: the top level's first, then those of each project, codex, telegram, limits.
    var warnings: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case projects, codex, stateDir = "state_dir", telegram, limits, approvals, files, transcription, dashboard
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        projects = try container.decodeUnlessMissing([ProjectEntry].self, forKey: .projects)
        codex = try container.decodeUnlessMissing(CodexSection.self, forKey: .codex)
        stateDir = try container.decodeIfPresent(String.self, forKey: .stateDir)
        telegram = try container.decodeUnlessMissing(TelegramSection.self, forKey: .telegram)
        limits = try container.decodeUnlessMissing(LimitsSection.self, forKey: .limits)
        approvals = try container.decodeUnlessMissing(ApprovalsSection.self, forKey: .approvals)
        files = try container.decodeUnlessMissing(FilesSection.self, forKey: .files)
        transcription = try container.decodeUnlessMissing(TranscriptionSection.self, forKey: .transcription)
        dashboard = try container.decodeUnlessMissing(DashboardSection.self, forKey: .dashboard)
        warnings =
            try decoder.unknownKeyWarnings(known: CodingKeys.self)
            + (projects ?? []).flatMap(\.warnings) + (codex?.warnings ?? [])
            + (telegram?.warnings ?? []) + (limits?.warnings ?? []) + (approvals?.warnings ?? [])
            + (files?.warnings ?? []) + (transcription?.warnings ?? []) + (dashboard?.warnings ?? [])
    }

    /// One entry of `projects`.
    struct ProjectEntry: Decodable {
        var name: String?
        var repoPath: String?
        var notes: String?
        var branch: String?
        var warnings: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, repoPath = "repo_path", notes, branch
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            repoPath = try container.decodeIfPresent(String.self, forKey: .repoPath)
            notes = try container.decodeIfPresent(String.self, forKey: .notes)
            branch = try container.decodeIfPresent(String.self, forKey: .branch)
            warnings = try decoder.unknownKeyWarnings(known: CodingKeys.self)
        }
    }

    /// `codex`.
    struct CodexSection: Decodable {
        var binary: String?
        var home: String?
        var sandbox: String?
        var engine: String?
        var approvalPolicy: String?
        var warnings: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case binary, home, sandbox, engine, approvalPolicy = "approval_policy"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            binary = try container.decodeIfPresent(String.self, forKey: .binary)
            home = try container.decodeIfPresent(String.self, forKey: .home)
            sandbox = try container.decodeIfPresent(String.self, forKey: .sandbox)
            engine = try container.decodeIfPresent(String.self, forKey: .engine)
            approvalPolicy = try container.decodeIfPresent(String.self, forKey: .approvalPolicy)
            warnings = try decoder.unknownKeyWarnings(known: CodingKeys.self)
        }
    }

    /// `telegram`.
    struct TelegramSection: Decodable {
        var allowedUserIDs: [Int64]?
        var apiBaseURL: String?
        var botTokenFile: String?
        var warnings: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case allowedUserIDs = "allowed_user_ids", apiBaseURL = "api_base_url", botTokenFile = "bot_token_file"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            allowedUserIDs = try container.decodeUnlessMissing([UserID].self, forKey: .allowedUserIDs)?.map(\.value)
            apiBaseURL = try container.decodeIfPresent(String.self, forKey: .apiBaseURL)
            botTokenFile = try container.decodeIfPresent(String.self, forKey: .botTokenFile)
            warnings = try decoder.unknownKeyWarnings(known: CodingKeys.self)
        }

        /// One entry of `allowed_user_ids`: a whole number (`1e3` and `1.0` count) that fits in Int64.
        struct UserID: Decodable {
            var value: Int64

            init(from decoder: any Decoder) throws {
                do {
                    value = try decoder.singleValueContainer().decode(Int64.self)
                } catch {
                    // Every failure is reported at this entry: JSONDecoder reports a number that does not
                    // fit (1.5, 1e20) as invalid JSON without naming any key.
                    throw DecodingError.dataCorrupted(
                        DecodingError.Context(
                            codingPath: decoder.codingPath, debugDescription: "not a whole number", underlyingError: error))
                }
            }
        }
    }

    /// `limits`. The minimums are checked here, so a value out of range is reported like one of the
    /// wrong type, with the same message naming the minimum.
    struct LimitsSection: Decodable {
        var maxParallel: Double?
        var taskTimeoutMinutes: Double?
        var idleTimeoutMinutes: Double?
        var warnings: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxParallel = "max_parallel", taskTimeoutMinutes = "task_timeout_minutes"
            case idleTimeoutMinutes = "idle_timeout_minutes"

            /// The smallest value accepted: at least one run at a time, and timeouts above zero.
            var minimum: Double { self == .maxParallel ? 1 : 0.01 }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func number(_ key: CodingKeys) throws -> Double? {
                guard let value = try container.decodeUnlessMissing(Double.self, forKey: key) else { return nil }
                guard value >= key.minimum else {
                    throw DecodingError.dataCorrupted(
                        DecodingError.Context(
                            codingPath: container.codingPath + [key], debugDescription: "below \(key.minimum)"))
                }
                return value
            }
            maxParallel = try number(.maxParallel)
            taskTimeoutMinutes = try number(.taskTimeoutMinutes)
            idleTimeoutMinutes = try number(.idleTimeoutMinutes)
            warnings = try decoder.unknownKeyWarnings(known: CodingKeys.self)
        }
    }

    /// `approvals`.
    struct ApprovalsSection: Decodable {
        var timeoutSeconds: Double?
        var deskGraceSeconds: Double?
        var warnings: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case timeoutSeconds = "timeout_seconds"
            case deskGraceSeconds = "desk_grace_seconds"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            timeoutSeconds = try container.decodeUnlessMissing(Double.self, forKey: .timeoutSeconds)
            if let value = timeoutSeconds, value < 1 {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: container.codingPath + [CodingKeys.timeoutSeconds], debugDescription: "below 1"))
            }
            deskGraceSeconds = try container.decodeUnlessMissing(Double.self, forKey: .deskGraceSeconds)
            if let value = deskGraceSeconds, value < 0 || value > 3600 {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: container.codingPath + [CodingKeys.deskGraceSeconds], debugDescription: "out of range"))
            }
            warnings = try decoder.unknownKeyWarnings(known: CodingKeys.self)
        }
    }

    /// `files`.
    struct FilesSection: Decodable {
        var maxMegabytes: Double?
        var warnings: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxMegabytes = "max_megabytes"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            maxMegabytes = try container.decodeUnlessMissing(Double.self, forKey: .maxMegabytes)
            if let value = maxMegabytes, value <= 0 || value > 20 {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: container.codingPath + [CodingKeys.maxMegabytes], debugDescription: "out of range"))
            }
            warnings = try decoder.unknownKeyWarnings(known: CodingKeys.self)
        }
    }

    /// `transcription`.
    struct TranscriptionSection: Decodable {
        var baseURL: String?
        var model: String?
        var apiKeyEnv: String?
        var apiKeyFile: String?
        var warnings: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case baseURL = "base_url", model, apiKeyEnv = "api_key_env", apiKeyFile = "api_key_file"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv)
            apiKeyFile = try container.decodeIfPresent(String.self, forKey: .apiKeyFile)
            warnings = try decoder.unknownKeyWarnings(known: CodingKeys.self)
        }
    }

    /// `dashboard`.
    struct DashboardSection: Decodable {
        var enabled: Bool?
        var host: String?
        var port: Int?
        var allowRemote: Bool?
        var warnings: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case enabled, host, port, allowRemote = "allow_remote"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try container.decodeUnlessMissing(Bool.self, forKey: .enabled)
            host = try container.decodeIfPresent(String.self, forKey: .host)
            port = try container.decodeUnlessMissing(Int.self, forKey: .port)
            if let port, !(0...65535).contains(port) {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: container.codingPath + [CodingKeys.port], debugDescription: "out of range"))
            }
            allowRemote = try container.decodeUnlessMissing(Bool.self, forKey: .allowRemote)
            warnings = try decoder.unknownKeyWarnings(known: CodingKeys.self)
        }
    }
}
