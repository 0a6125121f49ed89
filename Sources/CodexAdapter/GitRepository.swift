import Foundation

/// Codex refuses to work outside a git repository; this is the same test, done before starting it.
public enum GitRepository {
    /// True when `path` or one of its parents holds a `.git` entry (a folder, or a file for worktrees).
    public static func contains(_ path: String) -> Bool {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(".git").path) { return true }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return false }
            url = parent
        }
    }
}
