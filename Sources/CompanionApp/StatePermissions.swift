import Foundation

/// The state directory holds every prompt and answer: it is the user's alone. The directory is created
/// 0700 and the companion's files 0600; `doctor` reports any that are not.
public enum StatePermissions {
    public static let directoryMode = 0o700
    public static let fileMode = 0o600

    /// The companion's own files in the state directory (those that exist are checked and tightened).
    public static func privateFiles(in stateDirectory: String) -> [String] {
        ["companion.sqlite", "companion.sqlite-wal", "companion.sqlite-shm", "activity.log", "serve.log", "serve.lock"]
            .map { (stateDirectory as NSString).appendingPathComponent($0) }
    }

    /// Creates the state directory (0700) if it is missing, and tightens an existing one that other
    /// users could enter (made by hand, or by an older version) to 0700.
    public static func createDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true,
            attributes: [.posixPermissions: directoryMode])
        if let mode = mode(of: path), mode & 0o077 != 0 {
            try FileManager.default.setAttributes([.posixPermissions: directoryMode], ofItemAtPath: path)
        }
    }

    /// Creates the database file 0600 before SQLite opens it (SQLite gives its -wal and -shm files the
    /// database's mode), and tightens the companion's existing files.
    public static func prepareFiles(in stateDirectory: String) {
        let database = (stateDirectory as NSString).appendingPathComponent("companion.sqlite")
        if !FileManager.default.fileExists(atPath: database) {
            FileManager.default.createFile(atPath: database, contents: nil, attributes: [.posixPermissions: fileMode])
        }
        for file in privateFiles(in: stateDirectory) where FileManager.default.fileExists(atPath: file) {
            if let mode = mode(of: file), mode & 0o077 != 0 {
                try? FileManager.default.setAttributes([.posixPermissions: fileMode], ofItemAtPath: file)
            }
        }
    }

    /// Paths that other local users can read or enter, with their mode, for `doctor`: the state
    /// directory, the companion's files in it, and the files holding its secrets (`secretFiles`).
    public static func problems(stateDirectory: String, secretFiles: [String]) -> [(path: String, mode: Int)] {
        let checked = [stateDirectory] + privateFiles(in: stateDirectory) + secretFiles
        return checked.compactMap { path in
            guard let mode = mode(of: path), mode & 0o077 != 0 else { return nil }
            return (path, mode)
        }
    }

    static func mode(of path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue
    }
}
