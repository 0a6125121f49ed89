import CompanionCore
import Foundation
import Synchronization

/// Sessions per repository, as the test sets them.
public final class FakeSessions: SessionLocating {
    public let byRepository = Mutex<[String: [CodexSession]]>([:])

    public init() {}

    public func sessions(inRepository repoPath: String, limit: Int) async throws -> [CodexSession] {
        Array((byRepository.withLock { $0[repoPath] } ?? []).prefix(limit))
    }

    public func session(id: String) async throws -> CodexSession? {
        byRepository.withLock { $0.values.joined().first { $0.id == id } }
    }

    public func refresh(repository repoPath: String) async throws {}
}

/// Processes: which companion pids are alive, and which Codex pids were stopped (with the start time
/// they were asked to have).
public final class FakeReaper: ProcessReaping {
    public let liveCompanions = Mutex<Set<Int32>>([])
    public let stopped = Mutex<[Int32]>([])
    public let stoppedStartTimes = Mutex<[ProcessStartTime?]>([])

    public init(live: Set<Int32> = []) {
        liveCompanions.withLock { $0 = live }
    }

    public func stopIfCodex(pid: Int32, started: ProcessStartTime?) async -> Bool {
        stopped.withLock { $0.append(pid) }
        stoppedStartTimes.withLock { $0.append(started) }
        return true
    }

    /// A start time made up from the id.
    public func startTime(of pid: Int32) async -> ProcessStartTime? {
        ProcessStartTime(rawValue: "started-\(pid)")
    }

    public func isCompanionRunning(pid: Int32) async -> Bool {
        liveCompanions.withLock { $0.contains(pid) }
    }
}

/// Git, as the test says it looks.
public struct FakeInspector: RepositoryInspecting {
    public var counts: [String: LineCounts]

    public init(counts: [String: LineCounts] = [:]) {
        self.counts = counts
    }

    public func lineCounts(repoPath: String, paths: [String]) async -> [String: LineCounts] { counts }

    public func uncommittedChanges(repoPath: String) async throws -> RepositoryChanges {
        RepositoryChanges(patch: "", diffstat: "", fileCount: 0)
    }
}

/// The chat ↔ project link in memory.
public final class FakeChats: ChatStateStoring {
    public let projects = Mutex<[Int64: String]>([:])
    /// Chats that turned desk notices off.
    public let deaf = Mutex<Set<Int64>>([])

    public init() {}

    public func activeProject(chatID: Int64) async throws -> String? { projects.withLock { $0[chatID] } }

    public func setActiveProject(chatID: Int64, project: String) async throws {
        projects.withLock { $0[chatID] = project }
    }

    public func chatsHearingTheDesk(of project: String) async throws -> [Int64] {
        let deaf = deaf.withLock { $0 }
        return projects.withLock { $0.filter { $0.value == project && !deaf.contains($0.key) }.map(\.key).sorted() }
    }

    public func hearsTheDesk(chatID: Int64) async throws -> Bool { !deaf.withLock { $0.contains(chatID) } }

    public func setHearsTheDesk(chatID: Int64, _ on: Bool) async throws {
        deaf.withLock { deaf in
            if on { deaf.remove(chatID) } else { deaf.insert(chatID) }
        }
    }
}

/// Every audit entry, in order.
public final class RecordingAudit: AuditRecording {
    public let entries = Mutex<[AuditEntry]>([])

    public init() {}

    public func record(_ entry: AuditEntry) async {
        entries.withLock { $0.append(entry) }
    }
}

/// Runs background work in unstructured tasks the test can wait for.
public final class ImmediateLauncher: WorkLaunching {
    private let tasks = Mutex<[Task<Void, Never>]>([])

    public init() {}

    public func launch(_ work: @escaping @Sendable () async -> Void) {
        let task = Task { await work() }
        tasks.withLock { $0.append(task) }
    }

    public func waitForAll() async {
        for task in tasks.withLock({ $0 }) { await task.value }
    }
}

/// Login codes in memory, as the store keeps them (hashes, expiry, used once).
public final class FakeLoginCodes: LoginCodeStoring {
    private let codes = Mutex<[String: (expiresAt: Date, used: Bool)]>([:])

    public init() {}

    public func addLoginCode(hash: String, expiresAt: Date) async throws {
        codes.withLock { $0[hash] = (expiresAt, false) }
    }

    public func redeemLoginCode(hash: String, at time: Date) async throws -> Bool {
        codes.withLock { codes in
            guard let code = codes[hash], !code.used, code.expiresAt > time else { return false }
            codes[hash]?.used = true
            return true
        }
    }
}

/// Audit entries in memory, filtered as the store filters them.
public final class FakeAuditLog: AuditRecording, AuditReading {
    public let entries = Mutex<[AuditEntry]>([])

    public init() {}

    public func record(_ entry: AuditEntry) async {
        entries.withLock { $0.append(entry) }
    }

    public func recentAudit(
        limit: Int, project: String?, requester: Requester.Kind?, outcome: CommandOutcome?
    ) async throws
        -> [AuditEntry]
    {
        entries.withLock { $0 }.reversed().filter { entry in
            (project == nil || entry.project == project) && (requester == nil || entry.requester.kind == requester)
                && (outcome == nil || entry.outcome == outcome)
        }.prefix(limit).map { $0 }
    }
}
