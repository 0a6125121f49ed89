import Foundation

/// The one way the companion's log files rotate: `name` → `name.1` → `name.2` …, the oldest beyond
/// `keptFiles` removed, so a log takes at most (`keptFiles` + 1) times its size limit on disk.
public enum LogFileRotation {
    /// Moves `path` to `path.1`, shifting the older ones up; `path` no longer exists afterwards.
    public static func shift(_ path: String, keptFiles: Int) {
        let files = FileManager.default
        try? files.removeItem(atPath: "\(path).\(keptFiles)")
        for number in stride(from: keptFiles - 1, through: 1, by: -1) where files.fileExists(atPath: "\(path).\(number)") {
            try? files.moveItem(atPath: "\(path).\(number)", toPath: "\(path).\(number + 1)")
        }
        try? files.moveItem(atPath: path, toPath: "\(path).1")
    }
}
