/// The result card's offer of the changed files as documents: made when a task changed few files and
/// each is small, answered by a tap on its button (`files:<task id>`).
public enum ChangedFilesOffer {
    /// At most this many files are offered.
    public static let maxFiles = 3
    /// Each at most this big.
    public static let maxBytes = 512 * 1024

    /// The files worth offering (changed, not deleted), as paths inside the repository; nil when there
    /// are none or too many.
    public static func paths(of files: [FileChange], in repoPath: String) -> [String]? {
        let kept = files.filter { $0.kind != .delete }.map { ReportText.relative($0.path, to: repoPath) }
        guard !kept.isEmpty, kept.count <= maxFiles, !kept.contains(where: { $0.hasPrefix("/") }) else { return nil }
        return kept
    }

    public static func buttonData(taskID: Int64) -> String { "files:\(taskID)" }

    public static func taskID(in data: String) -> Int64? {
        guard data.hasPrefix("files:") else { return nil }
        return Int64(data.dropFirst("files:".count))
    }

    public static func message(_ paths: [String]) -> RenderedMessage {
        RenderedMessage(plain: "📎 Changed: \(paths.joined(separator: ", ")). Tap to get \(paths.count == 1 ? "it" : "them") as files.")
    }

    public static func buttons(taskID: Int64, count: Int) -> [[ChatButton]] {
        [[ChatButton(title: count == 1 ? "📎 Send the file" : "📎 Send the \(count) files", data: buttonData(taskID: taskID))]]
    }
}
