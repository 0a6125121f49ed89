import CompanionCore
import Foundation
import Testing

/// The Codable decoding of the config: defaults from `ConfigDefaults`, JSON `null`, booleans where numbers
/// go, and the exact wording of the messages that name a key.
@Suite struct ConfigDecodingTests {
    let loader = ConfigLoader(environment: UserEnvironment(["HOME": "/home/tester"]))
    /// Any existing directory works as a repository for these tests.
    let repo = FileManager.default.temporaryDirectory.path

    /// A config with one valid project plus `extra` top-level keys (`"key": value, …`).
    func config(_ extra: String = "") -> String {
        #"{"projects": [{"name": "a", "repo_path": "\#(repo)"}]\#(extra.isEmpty ? "" : ", " + extra)}"#
    }

    func parse(_ json: String) throws(ConfigError) -> ConfigLoader.Loaded {
        try loader.parse(Data(json.utf8), path: "/cfg.json")
    }

    func expectMessage(
        _ kind: ConfigError.Kind, _ message: String, _ json: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try parse(json)
            Issue.record("expected \(kind) for \(json)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind, "\(json)", sourceLocation: sourceLocation)
            #expect(error.message == message, "\(json)", sourceLocation: sourceLocation)
        }
    }

    @Test func everyDefaultComesFromConfigDefaults() throws {
        let loaded = try parse(config(#""telegram": {}"#))
        #expect(loaded.config.codex.sandbox == ConfigDefaults.sandbox)
        #expect(loaded.config.telegram?.apiBaseURL == ConfigDefaults.telegramAPIBaseURL)
        #expect(loaded.config.telegram?.allowedUserIDs == [])
        #expect(loaded.config.limits.maxParallel == ConfigDefaults.maxParallel)
        #expect(loaded.config.limits.taskTimeoutMinutes == ConfigDefaults.taskTimeoutMinutes)
        #expect(loaded.config.limits.idleTimeoutMinutes == ConfigDefaults.idleTimeoutMinutes)
        // The initialisers other modules and tests call take the same defaults.
        #expect(CompanionConfig.Codex(home: CodexHome(path: "/h", origin: .config)).sandbox == ConfigDefaults.sandbox)
        #expect(CompanionConfig.Telegram(allowedUserIDs: []).apiBaseURL == ConfigDefaults.telegramAPIBaseURL)
        #expect(
            CompanionConfig.Limits()
                == CompanionConfig.Limits(
                    maxParallel: ConfigDefaults.maxParallel, taskTimeoutMinutes: ConfigDefaults.taskTimeoutMinutes,
                    idleTimeoutMinutes: ConfigDefaults.idleTimeoutMinutes))
        // Empty sections also leave every value at its default.
        let empty = try parse(config(#""codex": {}, "limits": {}"#))
        #expect(empty.config.codex.sandbox == ConfigDefaults.sandbox)
        #expect(empty.config.codex.binary == nil)
        #expect(empty.config.limits == CompanionConfig.Limits())
    }

    @Test func setValuesReplaceTheDefaults() throws {
        let loaded = try parse(
            config(
                """
                "codex": {"binary": "~/bin/codex", "sandbox": "read-only"},
                "telegram": {"allowed_user_ids": [1, 1.0, 2e3, 9007199254740993], "api_base_url": "http://localhost:8081",
                             "bot_token_file": "~/token"}
                """))
        #expect(loaded.config.codex.binary == "/home/tester/bin/codex")
        #expect(loaded.config.codex.sandbox == "read-only")
        // Whole numbers in any notation count; a large id stays exact (it would not survive a Double).
        #expect(loaded.config.telegram?.allowedUserIDs == [1, 1, 2000, 9_007_199_254_740_993])
        #expect(loaded.config.telegram?.apiBaseURL == "http://localhost:8081")
        #expect(loaded.config.telegram?.botTokenFile == "/home/tester/token")
        expectMessage(
            .invalidValue, #""telegram.api_base_url" must start with http:// or https://"#,
            config(#""telegram": {"api_base_url": "ftp://x"}"#))
    }

    @Test func nullIsAbsentForStringsOnly() throws {
        let loaded = try parse(
            """
            {"projects": [{"name": "a", "repo_path": "\(repo)", "notes": null, "branch": null}],
             "codex": {"binary": null, "home": null, "sandbox": null}, "state_dir": null,
             "telegram": {"api_base_url": null, "bot_token_file": null}}
            """)
        #expect(loaded.config.projects[0].notes == nil)
        #expect(loaded.config.codex == CompanionConfig.Codex(home: CodexHome(path: "/home/tester/.codex", origin: .defaultLocation)))
        #expect(loaded.config.stateDirectory == "/home/tester/.codex-companion")
        #expect(loaded.config.telegram == CompanionConfig.Telegram(allowedUserIDs: []))
        expectMessage(.invalidValue, #""projects[0].name" is missing"#, #"{"projects": [{"name": null}]}"#)
        expectMessage(.badRepoPath, #""projects[0].repo_path" is missing"#, #"{"projects": [{"name": "a", "repo_path": null}]}"#)
        // Anywhere else null is a wrong value, as it has always been.
        expectMessage(.invalidValue, #""projects" must be a list"#, #"{"projects": null}"#)
        expectMessage(.invalidValue, #""projects[0]" must be an object"#, #"{"projects": [null]}"#)
        expectMessage(.invalidValue, #""codex" must be an object"#, config(#""codex": null"#))
        expectMessage(.invalidValue, #""telegram" must be an object"#, config(#""telegram": null"#))
        expectMessage(.invalidValue, #""limits" must be an object"#, config(#""limits": null"#))
        expectMessage(
            .invalidValue, #""telegram.allowed_user_ids" must be a list of numbers"#,
            config(#""telegram": {"allowed_user_ids": null}"#))
        expectMessage(
            .invalidValue, #""telegram.allowed_user_ids" must hold whole numbers (Telegram user ids)"#,
            config(#""telegram": {"allowed_user_ids": [1, null]}"#))
        expectMessage(
            .invalidValue, #""limits.idle_timeout_minutes" must be a number of at least 0.01"#,
            config(#""limits": {"idle_timeout_minutes": null}"#))
    }

    @Test func aBooleanIsNotANumber() {
        expectMessage(
            .invalidValue, #""limits.max_parallel" must be a number of at least 1"#,
            config(#""limits": {"max_parallel": true}"#))
        expectMessage(
            .invalidValue, #""limits.task_timeout_minutes" must be a number of at least 0.01"#,
            config(#""limits": {"task_timeout_minutes": false}"#))
        expectMessage(
            .invalidValue, #""telegram.allowed_user_ids" must hold whole numbers (Telegram user ids)"#,
            config(#""telegram": {"allowed_user_ids": [false]}"#))
    }

    @Test func wrongValuesNameTheKeyInTheUsualWords() {
        expectMessage(.invalidValue, #""projects[0].name" must be a string"#, #"{"projects": [{"name": 3}]}"#)
        expectMessage(
            .invalidValue, #""projects[1].notes" must be a string"#,
            """
            {"projects": [{"name": "a", "repo_path": "\(repo)"}, {"name": "b", "repo_path": "\(repo)", "notes": ["x"]}]}
            """)
        expectMessage(.invalidValue, #""projects[0]" must be an object"#, #"{"projects": ["a"]}"#)
        expectMessage(.invalidValue, #""state_dir" must be a string"#, config(#""state_dir": true"#))
        expectMessage(.invalidValue, #""codex.home" must be a string"#, config(#""codex": {"home": {}}"#))
        expectMessage(.invalidValue, #""codex" must be an object"#, config(#""codex": "codex""#))
        expectMessage(.invalidValue, #""telegram.bot_token_file" must be a string"#, config(#""telegram": {"bot_token_file": 1}"#))
        expectMessage(
            .invalidValue, #""telegram.allowed_user_ids" must be a list of numbers"#,
            config(#""telegram": {"allowed_user_ids": 123}"#))
        expectMessage(
            .invalidValue, #""telegram.allowed_user_ids" must hold whole numbers (Telegram user ids)"#,
            config(#""telegram": {"allowed_user_ids": [1.5]}"#))
        expectMessage(
            .invalidValue, #""telegram.allowed_user_ids" must hold whole numbers (Telegram user ids)"#,
            config(#""telegram": {"allowed_user_ids": [1e20]}"#))
        expectMessage(
            .invalidValue, #""limits.max_parallel" must be a number of at least 1"#,
            config(#""limits": {"max_parallel": 0}"#))
        expectMessage(
            .invalidValue, #""limits.task_timeout_minutes" must be a number of at least 0.01"#,
            config(#""limits": {"task_timeout_minutes": 0.001}"#))
        expectMessage(
            .invalidValue, #""limits.idle_timeout_minutes" must be a number of at least 0.01"#,
            config(#""limits": {"idle_timeout_minutes": "soon"}"#))
        expectMessage(
            .invalidValue, #""codex.sandbox" must be one of danger-full-access, read-only, workspace-write"#,
            config(#""codex": {"sandbox": "yolo"}"#))
    }

    @Test func invalidJSONAndTheTopLevel() {
        expectMessage(.invalidJSON, "invalid JSON at line 3, column 14", "{\n  \"projects\": [\n    {\"name\": oops}\n  ]\n}")
        expectMessage(.invalidJSON, "the top level must be a JSON object", "[1, 2]")
        // A lone value, or nothing at all, is not a JSON text a config can be.
        for text in ["null", "3", "", "{"] {
            do {
                _ = try parse(text)
                Issue.record("expected an error for \(text)")
            } catch {
                #expect(error.kind == .invalidJSON)
                #expect(error.message.hasPrefix("invalid JSON ("), "\(error.message)")
            }
        }
    }

    @Test func unknownKeysAreWarnedInFileOrder() throws {
        let loaded = try parse(
            """
            {"projects": [{"name": "a", "repo_path": "\(repo)", "zz": 1, "aa": 2}], "zzz": 1,
             "limits": {"x": 1}, "telegram": {"y": 1}, "codex": {"z": 1}, "aaa": null}
            """)
        #expect(
            loaded.warnings == [
                #"unknown key "aaa" is ignored (known: approvals, codex, dashboard, files, limits, projects, state_dir, telegram, transcription)"#,
                #"unknown key "zzz" is ignored (known: approvals, codex, dashboard, files, limits, projects, state_dir, telegram, transcription)"#,
                #"unknown key "projects[0].aa" is ignored (known: branch, name, notes, repo_path)"#,
                #"unknown key "projects[0].zz" is ignored (known: branch, name, notes, repo_path)"#,
                #"unknown key "codex.z" is ignored (known: approval_policy, binary, engine, home, sandbox)"#,
                #"unknown key "telegram.y" is ignored (known: allowed_user_ids, api_base_url, bot_token_file)"#,
                #"unknown key "limits.x" is ignored (known: idle_timeout_minutes, max_parallel, task_timeout_minutes)"#,
            ])
    }
}
