import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A private world for one test: a CODEX_HOME wired to a fake Responses server, git repositories, and a
/// state directory, all under ~/.codex-companion-tests/ (Codex refuses helper binaries under /tmp, and
/// its Linux sandbox then fails every command).
public final class CodexWorkspace: Sendable {
    public let root: String
    public let codexHome: String
    public let stateDirectory: String
    public let fake: FakeResponsesServer

    private init(root: String, fake: FakeResponsesServer) {
        self.root = root
        self.codexHome = root + "/codex-home"
        self.stateDirectory = root + "/state"
        self.fake = fake
    }

    public static func make() async throws -> CodexWorkspace {
        let base = NSHomeDirectory() + "/.codex-companion-tests"
        let root = base + "/" + UUID().uuidString.prefix(8).lowercased()
        let fake = try await FakeResponsesServer.start()
        let workspace = CodexWorkspace(root: root, fake: fake)
        try FileManager.default.createDirectory(atPath: workspace.codexHome, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: workspace.stateDirectory, withIntermediateDirectories: true)
        try workspace.codexConfig.write(toFile: workspace.codexHome + "/config.toml", atomically: true, encoding: .utf8)
        return workspace
    }

    /// Writes the config.toml that points codex at this workspace's fake into another Codex home.
    public func writeCodexConfig(into home: String) throws {
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try codexConfig.write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
    }

    /// Points codex at the fake: no login, no retries (a scripted failure fails at once). Codex waits on a
    /// silent stream for ten minutes: longer than any test, so an answer held back ("an hour away") ends
    /// only by the stop the test is about, never by Codex giving up on a loaded machine.
    private var codexConfig: String {
        """
        model = "gpt-5.5"
        model_provider = "mock"

        [model_providers.mock]
        name = "mock"
        base_url = "\(fake.baseURL)"
        wire_api = "responses"
        request_max_retries = 0
        stream_max_retries = 0
        stream_idle_timeout_ms = 600000
        """
    }

    /// A git repository with one commit, at `root/repos/name`.
    public func makeRepository(_ name: String) async throws -> String {
        let path = root + "/repos/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "# \(name)\n".write(toFile: path + "/README.md", atomically: true, encoding: .utf8)
        try await Self.git(["init", "-q"], in: path)
        try await Self.git(["add", "."], in: path)
        try await Self.git(["-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-qm", "init"], in: path)
        return path
    }

    /// A folder that is not a git repository (nor inside one).
    public func makePlainFolder(_ name: String) throws -> String {
        let path = root + "/plain/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// What Codex's own processes get in tests, beside this process's environment: `CODEX_HOME`, and a
    /// `HOME` of the workspace's own. Codex runs commands in a login shell, which reads the machine's
    /// profile from HOME: a build machine's `.bashrc` may run `pyenv rehash`, which waits a minute for a
    /// lock that a shell killed mid-rehash (a cancelled command) leaves behind, for every later shell.
    public static func codexVariables(codexHome: String) -> [String: String] {
        let home = (codexHome as NSString).deletingLastPathComponent + "/home"
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return ["CODEX_HOME": codexHome, "HOME": home]
    }

    /// `codexVariables` for swift-subprocess's `.inherit.updating(_:)`.
    public static func codexUpdates(codexHome: String) -> [Environment.Key: String?] {
        Dictionary(uniqueKeysWithValues: codexVariables(codexHome: codexHome).map { (Environment.Key(stringLiteral: $0.key), $0.value) })
    }

    /// This process's environment with `codexVariables`: for the runners tests build themselves.
    public var codexEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.merging(Self.codexVariables(codexHome: codexHome)) { $1 }
    }

    /// The environment a Codex user's shell has: `CODEX_HOME` pointing at this workspace's Codex home, a
    /// home folder of the workspace's own (see `codexVariables`) and the real codex on `PATH`. Tests
    /// start the companion with it, as a user would, instead of naming
    /// every setting in the config (that is how a broken default once went unseen).
    public var userEnvironment: [String: String] {
        var path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        if let binary = TestCodex.binary {
            path = (binary as NSString).deletingLastPathComponent + ":" + path
        }
        return Self.codexVariables(codexHome: codexHome).merging(["PATH": path]) { $1 }
    }

    /// `userEnvironment` with HOME pointing at this workspace's own home folder (created on first use).
    public var homeEnvironment: [String: String] {
        try? FileManager.default.createDirectory(atPath: root + "/home", withIntermediateDirectories: true)
        return userEnvironment.merging(["HOME": root + "/home"]) { $1 }
    }

    /// Writes a config file naming these projects and this workspace's state directory: what a user
    /// writes. `codexHomeInConfig` also names the Codex home there (most users leave it to CODEX_HOME);
    /// `codexBinary` names the binary (most users leave it to PATH).
    /// `stateDirectoryInConfig: false` leaves `state_dir` out, as most users do: the state then lives in
    /// `$HOME/.codex-companion`, so run the companion with `homeEnvironment` merged in.
    public func writeConfig(
        projects: [(name: String, path: String)], codexBinary: String? = nil,
        codexHomeInConfig: Bool = false, stateDirectoryInConfig: Bool = true,
        extra: [String: Any] = [:]
    ) throws -> String {
        var codex: [String: Any] = [:]
        if codexHomeInConfig { codex["home"] = codexHome }
        if let codexBinary { codex["binary"] = codexBinary }
        var object: [String: Any] = ["projects": projects.map { ["name": $0.name, "repo_path": $0.path] }]
        if stateDirectoryInConfig { object["state_dir"] = stateDirectory }
        // Tests run many daemons at once: each dashboard takes any free port (a user's listens on 8787).
        object["dashboard"] = ["port": 0]
        if !codex.isEmpty { object["codex"] = codex }
        for (key, value) in extra { object[key] = value }
        let path = root + "/config.json"
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs codex directly in `repo`, as the user would in a terminal before leaving the desk.
    public func runCodexDirectly(prompt: String, in repo: String) async throws -> (exitCode: Int32, stdout: String) {
        let binary = try TestCodex.requireBinary()
        let result = try await Subprocess.run(
            .path(FilePath(binary)), arguments: ["exec", "--json", "-s", "workspace-write", "-"],
            environment: .inherit.updating(Self.codexUpdates(codexHome: codexHome)), workingDirectory: FilePath(repo),
            input: .string(prompt), output: .string(limit: 16 << 20), error: .discarded)
        guard case .exited(let code) = result.terminationStatus else { return (-1, result.standardOutput) }
        return (code, result.standardOutput)
    }

    /// The thread id in `codex exec --json` output (its `thread.started` line).
    public static func threadID(inJSONL output: String) -> String? {
        for line in output.split(separator: "\n") {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                object["type"] as? String == "thread.started"
            else { continue }
            return object["thread_id"] as? String
        }
        return nil
    }

    public func cleanUp() async {
        await fake.stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    static func git(_ arguments: [String], in directory: String) async throws {
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(arguments), workingDirectory: FilePath(directory),
            output: .discarded, error: .string(limit: 64 << 10))
        guard result.terminationStatus.isSuccess else {
            throw TestSupportError("git \(arguments.joined(separator: " ")) failed: \(result.standardError)")
        }
    }
}
