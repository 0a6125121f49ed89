/// Words for where a Codex session was started, for the summary.
enum SessionOrigin {
    static func describe(source: String, companionRequester: String?) -> String {
        if let requester = companionRequester {
            return requester.hasPrefix("telegram") ? "from Telegram" : "from the companion CLI"
        }
        switch source {
        case "cli": return "in the terminal"
        case "exec": return "with codex exec"
        case "vscode": return "in VS Code"
        case "": return "elsewhere"
        default: return "in \(source)"
        }
    }
}
