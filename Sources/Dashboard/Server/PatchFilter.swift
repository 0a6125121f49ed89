import Foundation

/// Picks a file's sections out of a git patch: a task page shows the changes to the files its task changed.
enum PatchFilter {
    /// The `diff --git a/… b/…` sections whose old or new path is one of `paths` (relative to the repository).
    static func sections(of patch: String, touching paths: Set<String>) -> String {
        var kept: [Substring] = []
        var keeping = false
        for line in patch.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("diff --git ") {
                keeping = Self.paths(ofHeader: line).contains { paths.contains($0) }
            }
            if keeping { kept.append(line) }
        }
        guard !kept.isEmpty else { return "" }
        let text = kept.joined(separator: "\n")
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// A path as the repository names it, when it lies inside.
    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// `diff --git a/x b/y` → [x, y] (paths with spaces are split at " b/").
    private static func paths(ofHeader line: Substring) -> [String] {
        let rest = line.dropFirst("diff --git ".count)
        guard rest.hasPrefix("a/"), let split = rest.range(of: " b/") else { return [] }
        return [String(rest[rest.index(rest.startIndex, offsetBy: 2)..<split.lowerBound]), String(rest[split.upperBound...])]
    }
}
