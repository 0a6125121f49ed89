import CompanionCore
import Foundation
import Logging

/// Appends activity lines to `activity.log` in the state directory. Entries carry no prompt text and no
/// secret: time, requester, command, project, outcome, duration.
///
/// The file rotates: past `maxBytes` it becomes `activity.log.1` (and older ones shift, `keptFiles` kept).
public final class ActivityLogFile: ActivityLogging, @unchecked Sendable {
    public let path: String
    public let maxBytes: UInt64
    public let keptFiles: Int
    private let lock = NSLock()
    private let logger = Logger(label: "companion.activity-log")

    public init(directory: String, maxBytes: UInt64 = 5 << 20, keptFiles: Int = 3) {
        path = (directory as NSString).appendingPathComponent("activity.log")
        self.maxBytes = maxBytes
        self.keptFiles = keptFiles
    }

    public func record(_ entry: AuditEntry) {
        lock.lock()
        defer { lock.unlock() }
        let line = Data((entry.activityLine + "\n").utf8)
        do {
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            var handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            if try handle.seekToEnd() + UInt64(line.count) > maxBytes {
                try? handle.close()
                LogFileRotation.shift(path, keptFiles: keptFiles)
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: line)
        } catch {
            logger.error("cannot append to the activity log", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
