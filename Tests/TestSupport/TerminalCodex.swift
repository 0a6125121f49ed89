import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The interactive `codex` (its terminal UI) as a person uses it at the desk, driven in tmux on a tmux
/// server of its own: type a prompt, read the screen, quit (codex-cli.md §8).
public final class TerminalCodex: Sendable {
    public static let isAvailable =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
        || FileManager.default.isExecutableFile(atPath: "/opt/homebrew/bin/tmux")
        || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")
    public static let missingMessage = "tmux is missing (`apt-get install tmux`): it drives the Codex terminal UI in this test"

    private let server: String

    private init(server: String) {
        self.server = server
    }

    /// Starts `codex <arguments>` in `repo` with the workspace's CODEX_HOME, after seeding Codex's config
    /// so no first-run screen asks anything, and waits for its prompt.
    public static func start(in repo: String, workspace: CodexWorkspace, arguments: [String] = []) async throws -> TerminalCodex {
        let binary = try TestCodex.requireBinary()
        try workspace.seedTerminalConfig(trusting: repo)
        let terminal = TerminalCodex(server: "codex-test-" + UUID().uuidString.prefix(8).lowercased())
        let command =
            ["env"] + CodexWorkspace.codexVariables(codexHome: workspace.codexHome).map { "\($0.key)=\($0.value)" } + [binary] + arguments
        try await terminal.tmux(["new-session", "-d", "-x", "200", "-y", "50", "-c", repo] + command)
        try await terminal.waitForScreen("Codex's prompt") { $0.contains("›") || $0.contains("Ask Codex") }
        return terminal
    }

    /// Types `text` and presses Enter, as a person does.
    /// Waits until the text shows in the composer before pressing Enter: keys sent while the terminal UI
    /// is still starting up are lost.
    public func type(_ text: String) async throws {
        try await tmux(["send-keys", "-t", "0", "-l", text])
        try await waitForScreen("the typed text") { $0.contains(text) }
        try await tmux(["send-keys", "-t", "0", "Enter"])
    }

    /// Presses one key (tmux's key name: "y", "Enter", "Escape"), as a person answering a prompt does.
    public func press(_ key: String) async throws {
        try await tmux(["send-keys", "-t", "0", key])
    }

    /// What the terminal shows now.
    public func screen() async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", "0", "-S", "-200"])
    }

    /// Waits until the screen satisfies `condition` (it is read again as the terminal changes, up to a
    /// limit); throws with the last screen when it never does.
    public func waitForScreen(_ what: String, timeout: Duration = .seconds(60), _ condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await screen()
            if condition(last) { return }
            // tmux has no change notification: read again shortly.
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportError("timed out waiting for \(what) on the Codex terminal; it shows:\n\(last)")
    }

    /// Quits the terminal UI (Ctrl-C twice) and ends the tmux server.
    public func quit() async {
        _ = try? await tmux(["send-keys", "-t", "0", "C-c"])
        _ = try? await tmux(["send-keys", "-t", "0", "C-c"])
        _ = try? await waitForScreen("the terminal UI to quit", timeout: .seconds(10)) { !$0.contains("›") }
        _ = try? await tmux(["kill-server"])
    }

    @discardableResult
    private func tmux(_ arguments: [String]) async throws -> String {
        let result = try await Subprocess.run(
            .name("tmux"), arguments: Arguments(["-L", server] + arguments),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 16))
        guard result.terminationStatus.isSuccess else {
            throw TestSupportError("tmux \(arguments.joined(separator: " ")) failed: \(result.standardError ?? "")")
        }
        return result.standardOutput ?? ""
    }
}

extension CodexWorkspace {
    /// Adds to Codex's config what a user who has used Codex before has answered: no screen-reader
    /// question, no model announcements, and `repo` trusted.
    func seedTerminalConfig(trusting repo: String) throws {
        let path = codexHome + "/config.toml"
        var config = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard !config.contains("[projects.\"\(repo)\"]") else { return }
        if !config.contains("[tui]") {
            config += """

                [tui]
                screen_reader_detection_done = true

                [tui.model_availability_nux]
                "gpt-6.1-sol" = 1

                [notice.model_migrations]
                "gpt-5.5" = "gpt-6-sol"

                """
        }
        config += "\n[projects.\"\(repo)\"]\ntrust_level = \"trusted\"\n"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
