import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes what `init` collected: the bot token in a file of its own and `config.json` naming it, in the
/// format `ConfigLoader` reads. Both hold secrets or say where they are, so both are written 0600 from
/// their first byte (a temporary file created 0600 and renamed into place: never a moment readable by
/// others, never half-written), and a folder created for them is 0700.
public struct ConfigWriter: Sendable {
    public struct ProjectEntry: Sendable, Equatable {
        public var name: String
        public var path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    public var projects: [ProjectEntry]
    public var allowedUserID: Int64
    public var tokenFile: String
    /// Written only when set: a local Bot API server or a test fake.
    public var apiBaseURL: String?
    /// Written only when set; otherwise the loader's default (`~/.codex-companion`) applies.
    public var stateDirectory: String?

    public init(projects: [ProjectEntry], allowedUserID: Int64, tokenFile: String, apiBaseURL: String?, stateDirectory: String?) {
        self.projects = projects
        self.allowedUserID = allowedUserID
        self.tokenFile = tokenFile
        self.apiBaseURL = apiBaseURL
        self.stateDirectory = stateDirectory
    }

    /// The config file's text: projects, the one allowed user and the token file (and the base URL and
    /// state directory when given), keys sorted so the file reads the same every time.
    public func json() throws -> Data {
        var telegram: [String: Any] = ["allowed_user_ids": [NSNumber(value: allowedUserID)], "bot_token_file": tokenFile]
        if let apiBaseURL { telegram["api_base_url"] = apiBaseURL }
        var object: [String: Any] = [
            "projects": projects.map { ["name": $0.name, "repo_path": $0.path] },
            "telegram": telegram,
        ]
        if let stateDirectory { object["state_dir"] = stateDirectory }
        var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(Data("\n".utf8))
        return data
    }

    /// Writes the config to `path`, replacing what is there.
    public func writeConfig(to path: String) throws {
        try Self.writePrivately(try json(), to: path)
    }

    /// Stores the token, alone on its line, at `path`.
    public static func writeToken(_ token: String, to path: String) throws {
        try writePrivately(Data((token + "\n").utf8), to: path)
    }

    /// Writes `data` to `path` with mode 0600. A missing folder is created 0700; an existing folder is
    /// left as it is, except the companion's state folder, whose mode the caller tightens.
    public static func writePrivately(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let name = (path as NSString).lastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\(name).\(UUID().uuidString.prefix(8)).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw WriteError(path: path, errno: errno) }
        var failure: Int32 = 0
        // The umask can only remove bits; fchmod makes the mode exactly 0600 whatever it is.
        if fchmod(descriptor, 0o600) != 0 { failure = errno }
        data.withUnsafeBytes { buffer in
            var offset = 0
            while failure == 0, offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno != EINTR { failure = errno }
                } else {
                    offset += written
                }
            }
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw WriteError(path: path, errno: failure)
        }
    }

    /// A file that could not be written, with the system's reason.
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var errno: Int32

        public var description: String {
            "cannot write \(path): \(String(cString: strerror(errno)))"
        }
    }
}
