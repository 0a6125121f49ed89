/// The CODEX_HOME the companion uses, found the way Codex finds it: `codex.home` from the config if set,
/// else the `CODEX_HOME` environment variable, else `~/.codex`. Session lookup, the Codex child's
/// environment and `doctor` all use this one value, so the companion always looks where Codex writes.
public struct CodexHome: Sendable, Equatable {
    public enum Origin: String, Sendable, Equatable {
        case config
        case environment
        case defaultLocation

        /// Why this home is used, for `doctor`.
        public var explanation: String {
            switch self {
            case .config: "from codex.home in the config"
            case .environment: "from CODEX_HOME in the environment"
            case .defaultLocation: "Codex's default, as neither codex.home nor CODEX_HOME is set"
            }
        }
    }

    public var path: String
    public var origin: Origin

    public init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }

    /// `configured` is `codex.home` as written in the config (a leading `~` is expanded here).
    public static func resolve(configured: String?, environment: UserEnvironment) -> CodexHome {
        if let configured, !configured.isEmpty {
            return CodexHome(path: environment.expandingTilde(configured), origin: .config)
        }
        if let fromEnvironment = environment.variables["CODEX_HOME"], !fromEnvironment.isEmpty {
            return CodexHome(path: environment.expandingTilde(fromEnvironment), origin: .environment)
        }
        return CodexHome(path: environment.defaultCodexHome, origin: .defaultLocation)
    }
}
