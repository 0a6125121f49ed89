import CompanionCore
import Foundation
import Synchronization

/// The task store in memory, with the real store's one rule that matters to the service: at most one
/// running task per project, whichever process asks.
public final class InMemoryTaskStore: TaskStoring {
    private let tasks = Mutex<[Int64: StoredTask]>([:])
    private let nextID = Mutex<Int64>(1)

    public init() {}

    public var all: [StoredTask] { tasks.withLock { $0.values.sorted { $0.id < $1.id } } }

    public func task(_ id: Int64) -> StoredTask? { tasks.withLock { $0[id] } }

    /// Puts a task in the store as another process (or an earlier run) left it.
    public func insert(_ task: StoredTask) {
        tasks.withLock { $0[task.id] = task }
        nextID.withLock { $0 = max($0, task.id + 1) }
    }

    public func queueTask(_ task: NewTask) async throws -> Int64 {
        let id = nextID.withLock { id -> Int64 in
            defer { id += 1 }
            return id
        }
        var stored = StoredTask(
            id: id, project: task.project, prompt: task.prompt, mode: task.mode, status: .queued, threadID: nil,
            startedAt: task.askedAt, endedAt: nil)
        stored.requester = task.requester
        stored.ownerPID = task.ownerPID
        stored.images = task.images
        tasks.withLock { $0[id] = stored }
        return id
    }

    public func markTaskRunning(id: Int64, session: SessionNote, startedAt: Date, ownerPID: Int32) async throws {
        try tasks.withLock { tasks in
            guard let project = tasks[id]?.project else { return }
            if let holder = tasks.values.first(where: { $0.project == project && $0.status == .running && $0.id != id }) {
                throw ProjectBusy(holder: holder)
            }
            tasks[id]?.status = .running
            tasks[id]?.session = session
            // As the database does: the thread a continued task resumes is its thread until Codex names one.
            tasks[id]?.threadID = session.resumedThreadID
            tasks[id]?.startedAt = startedAt
            tasks[id]?.ownerPID = ownerPID
        }
    }

    public func recordTaskProcess(id: Int64, pid: Int32, started: ProcessStartTime?) async throws {
        tasks.withLock {
            $0[id]?.codexPID = pid
            $0[id]?.codexStartedAt = started
        }
    }

    public func finishTask(id: Int64, report: TaskReport) async throws {
        tasks.withLock { tasks in
            tasks[id]?.status = report.status
            tasks[id]?.threadID = report.threadID
            tasks[id]?.session = report.session
            tasks[id]?.endedAt = report.endedAt
            tasks[id]?.finalMessage = report.turn.finalMessage
            tasks[id]?.failureReason = report.failureReason
            tasks[id]?.stopReason = report.stopReason
        }
    }

    public func endTaskWithoutRun(id: Int64, reason: StopReason, at: Date) async throws {
        tasks.withLock { tasks in
            tasks[id]?.status = reason.status
            tasks[id]?.stopReason = reason
            tasks[id]?.endedAt = at
        }
    }

    public func interruptTask(id: Int64, reason: StopReason, at: Date) async throws {
        tasks.withLock { tasks in
            guard tasks[id]?.status == .running else { return }
            tasks[id]?.status = reason.status
            tasks[id]?.stopReason = reason
            tasks[id]?.endedAt = at
        }
    }

    public func runningTasks() async throws -> [StoredTask] { all.filter { $0.status == .running } }

    public func runningTask(project: String) async throws -> StoredTask? {
        all.first { $0.status == .running && $0.project == project }
    }

    public func queuedTasks() async throws -> [StoredTask] { all.filter { $0.status == .queued } }

    public let delivered = Mutex<Set<Int64>>([])

    public func markTaskDelivered(id: Int64, at: Date) async throws {
        _ = delivered.withLock { $0.insert(id) }
    }

    public func undeliveredResults() async throws -> [StoredTask] {
        let done = delivered.withLock { $0 }
        return all.filter { $0.chatID != nil && $0.status.hasEnded && !done.contains($0.id) }
    }

    public func recordProgressMessage(id: Int64, messageID: Int64?) async throws {
        tasks.withLock { $0[id]?.progressMessageID = messageID }
    }

    public func unfinishedProgressMessages() async throws -> [StoredTask] {
        all.filter { $0.progressMessageID != nil && $0.status != .queued && $0.status != .running }
    }

    public func recordLineCounts(id: Int64, counts: [String: LineCounts]) async throws {
        tasks.withLock { $0[id]?.lineCounts = counts }
    }

    public func lastTask(project: String) async throws -> StoredTask? { all.last { $0.project == project } }

    public func task(id: Int64) async throws -> StoredTask? { task(id) }

    public func recentTasks(limit: Int) async throws -> [StoredTask] { Array(all.reversed().prefix(limit)) }

    public func requesterOfFirstTask(threadID: String) async throws -> Requester? {
        all.first { task in
            guard task.threadID == threadID else { return false }
            if case .continued? = task.session { return false }
            return true
        }?.requester
    }
}
