/// Where Codex's daemon (Codex 0.151+) can be reached for a CODEX_HOME (codex-cli.md §8).
public enum CodexDaemon {
    /// The daemon's control socket: WebSocket JSON-RPC, the app-server's protocol.
    public static func socketPath(codexHome: String) -> String {
        codexHome + "/app-server-control/app-server-control.sock"
    }
}
