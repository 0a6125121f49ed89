import CompanionCore
import Foundation

/// The JSON the API reads and writes. Times are ISO 8601; requesters are their kind (cli, telegram,
/// dashboard); statuses are the store's (queued, running, done, failed, cancelled, interrupted).
enum APIModels {
    /// `POST /api/tasks`.
    struct SubmitBody: Decodable {
        var project: String?
        var prompt: String?
        var mode: String?
    }

    /// `POST /api/approvals/<id>`.
    struct AnswerBody: Decodable {
        var decision: String?
    }

    /// The answer to a submitted task: 201 started, 202 queued.
    struct Submitted: Encodable {
        var taskID: Int64
        /// started or queued.
        var state: String
        var position: Int?
    }

    struct Answered: Encodable {
        var approvalID: String
        var taskID: Int64
        var decision: String
    }

    /// `GET /api/state`.
    struct State: Encodable {
        var projects: [ProjectRow]
        var running: [RunningTask]
        var queued: [QueuedTask]
        var recent: [TaskRow]
        var pendingApprovals: [String]
    }

    struct ProjectRow: Encodable {
        var name: String
        /// idle, running, waiting (for an approval) or queued.
        var state: String
        /// Tasks waiting in line for it.
        var queued: Int
        var runningTaskID: Int64?
    }

    struct RunningTask: Encodable {
        var id: Int64
        var project: String
        var prompt: String
        var status: String
        var requester: String
        var startedAt: Date
        /// The live progress text, for a task this process runs.
        var progress: String?
        /// Run by another companion process (the CLI in a terminal).
        var elsewhere: Bool
        /// Its approval requests that wait for a person.
        var waitingFor: [String]
    }

    struct QueuedTask: Encodable {
        var id: Int64
        var project: String
        var prompt: String
        var status: String
        var requester: String
        /// 1 is next.
        var position: Int
    }

    struct TaskRow: Encodable {
        var id: Int64
        var project: String
        var prompt: String
        var status: String
        var mode: String
        var requester: String
        var startedAt: Date
        var endedAt: Date?
    }

    /// `GET /api/tasks/<id>`: the task's facts, its answer, and its live progress while it runs.
    struct TaskDetail: Encodable {
        var task: TaskRow
        var threadID: String?
        var answer: String?
        var failureReason: String?
        var files: [String]
        var commands: [Command]
        var progress: String?
    }

    struct Command: Encodable {
        var command: String
        var exitCode: Int?
        var status: String
    }
}

extension APIModels.TaskRow {
    init(_ task: StoredTask) {
        self.init(
            id: task.id, project: task.project, prompt: task.prompt, status: task.status.rawValue, mode: task.mode.rawValue,
            requester: task.requester.kind.rawValue, startedAt: task.startedAt, endedAt: task.endedAt)
    }
}
