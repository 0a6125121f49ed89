import Foundation

/// The order of work, as plain state the task service keeps: one running task per project (Codex allows
/// one writer per session), different projects in parallel up to a global cap, and waiting work in
/// arrival order. It decides what may start; the service starts it.
struct TaskQueue {
    struct Running {
        var task: QueuedTask
        var control: RunControl
        var startedAt: Date
    }

    let maxParallel: Int
    private(set) var waiting: [QueuedTask] = []
    private(set) var running: [String: Running] = [:]
    /// Projects whose slot another process holds, with the task holding it when it could be read,
    /// until the service looks again.
    var heldElsewhere: [String: StoredTask?] = [:]

    init(maxParallel: Int) {
        self.maxParallel = max(1, maxParallel)
    }

    mutating func append(_ task: QueuedTask) {
        waiting.append(task)
    }

    /// Puts a task back at the head of the line (its project turned out to be held elsewhere).
    mutating func putBack(_ task: QueuedTask) {
        running[task.request.project.name] = nil
        waiting.insert(task, at: 0)
    }

    /// The next task that may start now, taken out of the line and marked running.
    mutating func takeNext(control: (QueuedTask) -> RunControl, now: Date) -> Running? {
        guard running.count < maxParallel else { return nil }
        guard
            let index = waiting.firstIndex(where: {
                running[$0.request.project.name] == nil
                    && heldElsewhere[$0.request.project.name] == nil
            })
        else { return nil }
        let task = waiting.remove(at: index)
        let entry = Running(task: task, control: control(task), startedAt: now)
        running[task.request.project.name] = entry
        return entry
    }

    /// Frees the project of this task, if it still holds it.
    mutating func release(_ taskID: Int64) {
        guard let project = running.first(where: { $0.value.task.id == taskID })?.key else { return }
        running[project] = nil
    }

    /// Removes the waiting tasks that match and returns them, in line order.
    mutating func dropWaiting(where matches: (QueuedTask) -> Bool) -> [QueuedTask] {
        let dropped = waiting.filter(matches)
        waiting.removeAll(where: matches)
        return dropped
    }

    func position(of taskID: Int64) -> Int? {
        waiting.firstIndex { $0.id == taskID }.map { $0 + 1 }
    }

    func isRunning(_ taskID: Int64) -> Bool {
        running.values.contains { $0.task.id == taskID }
    }

    var runningByStart: [Running] { running.values.sorted { $0.startedAt < $1.startedAt } }
}
