import Foundation

/// Which project is running a task right now: one Codex run per repository at a time.
public actor RunningTasks {
    public struct Entry: Sendable, Equatable {
        public var project: String
        public var prompt: String
        public var chatID: Int64?
        public var startedAt: Date
    }

    private var byProject: [String: Entry] = [:]

    public init() {}

    /// Claims the project for a run; false when it is already busy.
    public func claim(_ entry: Entry) -> Bool {
        guard byProject[entry.project] == nil else { return false }
        byProject[entry.project] = entry
        return true
    }

    public func release(project: String) {
        byProject[project] = nil
    }

    public func entry(project: String) -> Entry? {
        byProject[project]
    }

    public var all: [Entry] {
        byProject.values.sorted { $0.startedAt < $1.startedAt }
    }
}
