import Foundation

/// The parts of the user's shell environment the companion follows: `$HOME` for `~` and the default
/// state directory (as shells and Codex do, not the password database), and `$CODEX_HOME` for Codex's
/// files. Passed in explicitly so the daemon, the CLI and tests read the same values the same way.
public struct UserEnvironment: Sendable, Equatable {
    public var variables: [String: String]

    public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    /// `$HOME` when it is an absolute path; otherwise the account's home from the system.
    public var homeDirectory: String {
        if let home = variables["HOME"], home.hasPrefix("/") {
            return home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
        }
        return NSHomeDirectory()
    }

    /// `~` and `~/…` expanded against `homeDirectory`; other paths unchanged.
    public func expandingTilde(_ path: String) -> String {
        if path == "~" { return homeDirectory }
        if path.hasPrefix("~/") { return homeDirectory + String(path.dropFirst(1)) }
        return path
    }

    /// `~/.codex-companion`: the state directory and the config file's folder unless the config says otherwise.
    public var defaultStateDirectory: String { homeDirectory + "/.codex-companion" }

    public var defaultConfigPath: String { defaultStateDirectory + "/config.json" }

    /// `~/.codex`: Codex's own default home.
    public var defaultCodexHome: String { homeDirectory + "/.codex" }
}
