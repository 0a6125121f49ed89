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
                rotate()
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: line)
        } catch {
            logger.error("cannot append to the activity log", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// activity.log → .1 → .2 …; the oldest beyond `keptFiles` is removed.
    private func rotate() {
        let files = FileManager.default
        try? files.removeItem(atPath: "\(path).\(keptFiles)")
        for number in stride(from: keptFiles - 1, through: 1, by: -1) where files.fileExists(atPath: "\(path).\(number)") {
            try? files.moveItem(atPath: "\(path).\(number)", toPath: "\(path).\(number + 1)")
        }
        try? files.moveItem(atPath: path, toPath: "\(path).1")
    }
}
