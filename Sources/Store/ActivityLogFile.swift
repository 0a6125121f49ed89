import CompanionCore
import Foundation
import Logging

/// Appends activity lines to `activity.log` in the state directory. Entries carry no prompt text and no
/// secret: time, requester, command, project, outcome, duration.
public final class ActivityLogFile: ActivityLogging, @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private let logger = Logger(label: "companion.activity-log")

    public init(directory: String) {
        path = (directory as NSString).appendingPathComponent("activity.log")
    }

    public func record(_ entry: ActivityEntry) {
        lock.lock()
        defer { lock.unlock() }
        let line = Data((entry.line + "\n").utf8)
        do {
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } catch {
            logger.error("cannot append to the activity log", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
