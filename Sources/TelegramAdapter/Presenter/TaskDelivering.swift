import CompanionCore

/// What the presenter tells the task service once a result reached its chat. `TaskService` is the real one.
public protocol TaskDelivering: Sendable {
    /// The task's result reached its requester.
    func markDelivered(_ taskID: Int64) async
    /// The message showing the task's live progress, once posted; nil once it is final (frozen). A restart
    /// finishes the messages still recorded.
    func noteProgressMessage(_ messageID: Int64?, of taskID: Int64) async
    /// The line counts shown with the task's files, kept so /last shows the same card.
    func recordLineCounts(_ counts: [String: LineCounts], of taskID: Int64) async
}

extension TaskService: TaskDelivering {}
