import CompanionCore
import Foundation
import Testing

@Suite struct ConfigLoaderTests {
    /// A user whose shell has HOME=/home/tester and no CODEX_HOME.
    let loader = ConfigLoader(environment: UserEnvironment(["HOME": "/home/tester"]))

    /// A scratch folder with one existing repository folder and one plain file.
    final class Scratch {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID().uuidString)").path
        var repo: String { root + "/repo" }
        var file: String { root + "/file.txt" }

        init() throws {
            try FileManager.default.createDirectory(atPath: root + "/repo", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: root + "/file.txt", contents: Data("x".utf8))
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    func parse(_ json: String) throws(ConfigError) -> ConfigLoader.Loaded {
        try loader.parse(Data(json.utf8), path: "/cfg.json")
    }

    func expectError(
        _ kind: ConfigError.Kind, containing fragment: String, _ json: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try parse(json)
            Issue.record("expected \(kind) for \(json)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind, sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("/cfg.json: "), sourceLocation: sourceLocation)
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test func loadsAValidConfigWithDefaults() throws {
        let scratch = try Scratch()
        let loaded = try parse(
            """
            {"projects": [{"name": "privsyn", "repo_path": "\(scratch.repo)", "notes": "n", "branch": "main"}]}
            """)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.config.projects.count == 1)
        #expect(loaded.config.project(named: "PrivSyn")?.notes == "n")
        #expect(loaded.config.codex == CompanionConfig.Codex(home: CodexHome(path: "/home/tester/.codex", origin: .defaultLocation)))
        #expect(loaded.config.stateDirectory == "/home/tester/.codex-companion")
        #expect(loaded.config.telegram == nil)
    }

    @Test func missingFilePrintsAStarterConfig() {
        do {
            _ = try loader.load(path: "/nonexistent/dir/config.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .missingFile)
            #expect(error.message.contains("\"projects\""))
            #expect(error.path == "/nonexistent/dir/config.json")
        }
    }

    @Test func invalidJSONNamesLineAndColumn() {
        expectError(.invalidJSON, containing: "line 3", "{\n  \"projects\": [\n    {\"name\": oops}\n  ]\n}")
        expectError(.invalidJSON, containing: "top level", "[1, 2]")
    }

    @Test func duplicateAndBadNamesAreRejected() throws {
        let scratch = try Scratch()
        expectError(
            .duplicateName, containing: "\"Alpha\" is used twice",
            """
            {"projects": [{"name": "alpha", "repo_path": "\(scratch.repo)"}, {"name": "Alpha", "repo_path": "\(scratch.repo)"}]}
            """)
        for name in ["my project", "../etc", "", "naïve", String(repeating: "a", count: 33)] {
            expectError(
                .invalidValue, containing: "projects[0].name",
                """
                {"projects": [{"name": "\(name)", "repo_path": "\(scratch.repo)"}]}
                """)
        }
    }

    @Test func repoPathMustBeAnExistingAbsoluteDirectory() throws {
        let scratch = try Scratch()
        expectError(.badRepoPath, containing: "absolute", #"{"projects": [{"name": "a", "repo_path": "code/a"}]}"#)
        expectError(.badRepoPath, containing: "is missing", #"{"projects": [{"name": "a"}]}"#)
        expectError(.badRepoPath, containing: "does not exist", #"{"projects": [{"name": "a", "repo_path": "/no/such/dir"}]}"#)
        expectError(
            .badRepoPath, containing: "is not a directory",
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.file)"}]}
            """)
    }

    @Test func wrongTypesNameTheKey() throws {
        let scratch = try Scratch()
        expectError(.invalidValue, containing: "\"projects\"", #"{"projects": {"name": "a"}}"#)
        expectError(.invalidValue, containing: "missing key \"projects\"", #"{}"#)
        expectError(
            .invalidValue, containing: "codex.binary",
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}], "codex": {"binary": 3}}
            """)
        expectError(
            .invalidValue, containing: "codex.sandbox",
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}], "codex": {"sandbox": "yolo"}}
            """)
        expectError(
            .invalidValue, containing: "allowed_user_ids",
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}], "telegram": {"allowed_user_ids": ["me"]}}
            """)
        expectError(
            .invalidValue, containing: "allowed_user_ids",
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}], "telegram": {"allowed_user_ids": [true]}}
            """)
        expectError(
            .invalidValue, containing: "state_dir",
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}], "state_dir": "relative/state"}
            """)
    }

    @Test func unknownKeysAreNamedInWarnings() throws {
        let scratch = try Scratch()
        let loaded = try parse(
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)", "repo": "typo"}],
             "codex": {"binnary": "/x"}, "stat_dir": "/tmp", "telegram": {"allowed_user_ids": [1], "tokn": "x"}}
            """)
        #expect(loaded.warnings.count == 4)
        #expect(loaded.warnings.contains { $0.contains("\"stat_dir\"") })
        #expect(loaded.warnings.contains { $0.contains("\"projects[0].repo\"") })
        #expect(loaded.warnings.contains { $0.contains("\"codex.binnary\"") })
        #expect(loaded.warnings.contains { $0.contains("\"telegram.tokn\"") })
        #expect(loaded.config.telegram?.allowedUserIDs == [1])
    }

    @Test func limitsHaveDefaultsAndAreValidated() throws {
        let scratch = try Scratch()
        let defaults = try parse(#"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}]}"#)
        #expect(defaults.config.limits == CompanionConfig.Limits(maxParallel: 2, taskTimeoutMinutes: 60, idleTimeoutMinutes: 15))
        let custom = try parse(
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}],
             "limits": {"max_parallel": 3, "task_timeout_minutes": 90, "idle_timeout_minutes": 0.5, "max_paralel": 1}}
            """)
        #expect(custom.config.limits == CompanionConfig.Limits(maxParallel: 3, taskTimeoutMinutes: 90, idleTimeoutMinutes: 0.5))
        #expect(
            custom.warnings == [
                #"unknown key "limits.max_paralel" is ignored (known: idle_timeout_minutes, max_parallel, task_timeout_minutes)"#
            ])
        expectError(
            .invalidValue, containing: "limits.max_parallel",
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}], "limits": {"max_parallel": 0}}
            """)
        expectError(
            .invalidValue, containing: "limits.task_timeout_minutes",
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}], "limits": {"task_timeout_minutes": "soon"}}
            """)
    }

    @Test func engineApprovalPolicyAndApprovalTimeout() throws {
        let scratch = try Scratch()
        let defaults = try parse(#"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}]}"#)
        #expect(defaults.config.codex.engine == ConfigDefaults.engine)
        #expect(defaults.config.codex.approvalPolicy == .onRequest)
        #expect(defaults.config.approvals.timeoutSeconds == 600)
        let custom = try parse(
            """
            {"projects": [{"name": "a", "repo_path": "\(scratch.repo)"}],
             "codex": {"engine": "app-server", "approval_policy": "untrusted"}, "approvals": {"timeout_seconds": 30}}
            """)
        #expect(custom.config.codex.engine == .appServer)
        #expect(custom.config.codex.approvalPolicy == .untrusted)
        #expect(custom.config.approvals.timeoutSeconds == 30)
        #expect(
            try parse(
                #"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}], "codex": {"engine": "exec"}}"#
            ).config.codex.engine == .exec)
        expectError(
            .invalidValue, containing: "\"codex.engine\" must be one of exec, app-server, got \"appserver\"",
            #"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}], "codex": {"engine": "appserver"}}"#)
        expectError(
            .invalidValue, containing: "\"codex.approval_policy\" must be one of on-request, untrusted, never",
            #"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}], "codex": {"approval_policy": "on-failure"}}"#)
        expectError(
            .invalidValue, containing: "\"approvals.timeout_seconds\" must be a number of at least 1",
            #"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}], "approvals": {"timeout_seconds": 0}}"#)
    }

    @Test func theDashboardIsOnLoopbackUnlessRemoteIsAskedFor() throws {
        let scratch = try Scratch()
        let defaults = try parse(#"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}]}"#)
        #expect(defaults.config.dashboard == CompanionConfig.Dashboard(enabled: true, host: "127.0.0.1", port: 8787, allowRemote: false))
        let custom = try parse(
            #"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}], "dashboard": {"port": 9000, "enabled": false}}"#)
        #expect(custom.config.dashboard.port == 9000)
        #expect(!custom.config.dashboard.enabled)
        expectError(
            .invalidValue, containing: "which is not loopback",
            #"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}], "dashboard": {"host": "0.0.0.0"}}"#)
        let remote = try parse(
            #"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}], "dashboard": {"host": "0.0.0.0", "allow_remote": true}}"#)
        #expect(remote.config.dashboard.host == "0.0.0.0")
        expectError(
            .invalidValue, containing: "\"dashboard.port\" must be a port number",
            #"{"projects": [{"name": "a", "repo_path": "\#(scratch.repo)"}], "dashboard": {"port": 70000}}"#)
    }

    @Test func aFirstRunWithoutAConfigUsesTheRepositoryOfTheFolder() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.repo + "/.git", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.repo + "/src/deep", withIntermediateDirectories: true)
        let loader = ConfigLoader(environment: UserEnvironment(["HOME": scratch.root]))
        let loaded = try loader.firstRun(directory: scratch.repo + "/src/deep")
        let real = URL(fileURLWithPath: scratch.repo).resolvingSymlinksInPath().path
        #expect(loaded.config.projects.map(\.repoPath) == [real])
        #expect(ProjectName.isValid(loaded.config.projects[0].name))
        #expect(loaded.config.telegram == nil)
        #expect(loaded.config.dashboard.enabled)
        #expect(loaded.config.stateDirectory == scratch.root + "/.codex-companion")
        do {
            _ = try loader.firstRun(directory: "/")
            Issue.record("a folder outside git must be refused")
        } catch {
            #expect(error.message.contains("not inside a git repository"))
        }
    }

    /// `~` follows $HOME, as in a shell, even when HOME is not the account's home in the password database.
    @Test func tildeFollowsHOME() throws {
        let scratch = try Scratch()
        let loader = ConfigLoader(environment: UserEnvironment(["HOME": scratch.root]))
        let loaded = try loader.parse(
            Data(#"{"projects": [{"name": "h", "repo_path": "~/repo"}], "state_dir": "~/.state-x"}"#.utf8),
            path: "/cfg.json")
        #expect(loaded.config.projects[0].repoPath == URL(fileURLWithPath: scratch.repo).resolvingSymlinksInPath().path)
        #expect(loaded.config.stateDirectory == scratch.root + "/.state-x")
        #expect(loaded.config.codex.home.path == scratch.root + "/.codex")
        let defaults = try loader.parse(Data(#"{"projects": []}"#.utf8), path: "/cfg.json")
        #expect(defaults.config.stateDirectory == scratch.root + "/.codex-companion")
    }

    /// Codex's home is found the way Codex finds it: config, then CODEX_HOME, then ~/.codex.
    @Test func codexHomeComesFromConfigThenEnvironmentThenDefault() throws {
        let shell = UserEnvironment(["HOME": "/home/tester", "CODEX_HOME": "/data/codex"])
        let fromShell = try ConfigLoader(environment: shell).parse(Data(#"{"projects": []}"#.utf8), path: "/cfg.json")
        #expect(fromShell.config.codex.home == CodexHome(path: "/data/codex", origin: .environment))
        let fromConfig = try ConfigLoader(environment: shell).parse(
            Data(#"{"projects": [], "codex": {"home": "~/other-codex"}}"#.utf8), path: "/cfg.json")
        #expect(fromConfig.config.codex.home == CodexHome(path: "/home/tester/other-codex", origin: .config))
        let emptyVariable = UserEnvironment(["HOME": "/home/tester", "CODEX_HOME": ""])
        let fallback = try ConfigLoader(environment: emptyVariable).parse(Data(#"{"projects": []}"#.utf8), path: "/cfg.json")
        #expect(fallback.config.codex.home == CodexHome(path: "/home/tester/.codex", origin: .defaultLocation))
    }
}
