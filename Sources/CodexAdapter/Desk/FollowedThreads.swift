import Synchronization

/// Each followed thread's repository: set by the task that follows threads (and forgotten when it could
/// not follow one), read by the reader, which forgets the threads the daemon closes.
final class FollowedThreads: Sendable {
    private let repositories = Mutex<[String: String]>([:])

    func repository(of thread: String) -> String? { repositories.withLock { $0[thread] } }

    func set(_ repository: String, for thread: String) { repositories.withLock { $0[thread] = repository } }

    func forget(_ thread: String) { _ = repositories.withLock { $0.removeValue(forKey: thread) } }
}
