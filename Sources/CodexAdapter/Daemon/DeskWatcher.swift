import CompanionCore
import Foundation
import Logging
import Synchronization

/// Follows the desk through Codex's daemon: the threads of configured repositories that the daemon has
/// loaded, and new ones as they start, without starting turns. Each turn another client runs there (the
/// terminal UI) is folded as the companion's own turns are, and reported when it ends.
///
/// It shares the phone's connection (`DaemonRunner.links`): a thread a phone turn runs in belongs to that
/// turn while it runs, so the phone's turns are never reported as the desk's. Following costs nothing
/// while nothing happens: the daemon sends what happens, nothing is polled.
public final class DeskWatcher: Sendable {
    /// What the watcher saw.
    public enum Event: Sendable, Equatable {
        /// It follows this thread from now on.
        case following(threadID: String, repoPath: String)
        /// A desk turn ended.
        case turnEnded(DeskTurn)
    }

    private let links: DaemonLinks
    /// Configured repositories, by their resolved path.
    private let repositories: Set<String>
    private let logger: Logger

    public init(daemon: DaemonRunner, repositories: [String], logger: Logger = Logger(label: "companion.codex.desk")) {
        links = daemon.links
        self.repositories = Set(repositories.map(Self.resolved))
        self.logger = logger
    }

    /// Follows the desk until the daemon's connection ends (or the task is cancelled); returns at once
    /// when no daemon answers. `onEvent` gets what it sees, in order.
    public func follow(onEvent: @escaping @Sendable (Event) async -> Void) async {
        guard let channel = try? await links.watchChannel() else { return }
        let connection = AppServerConnection()
        let (wanted, want) = AsyncStream<(thread: String, repo: String)>.makeStream()
        let followed = FollowedThreads()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await line in connection.lines { channel.send(line) }
                channel.finish()
            }
            group.addTask { [self] in
                var folds = TurnFolds()
                for await line in channel.incoming {
                    await read(line, connection: connection, want: want, folds: &folds, followed: followed, onEvent: onEvent)
                }
                connection.close()
                want.finish()
            }
            group.addTask { [self] in
                // What the daemon holds now, then what starts later.
                if case .success(let loaded) = await connection.request("thread/loaded/list", [:]) {
                    for thread in (loaded["data"].array ?? []).compactMap(\.string) {
                        await followIfOurs(thread, connection: connection, followed: followed, onEvent: onEvent)
                    }
                }
                for await started in wanted {
                    await follow(started.thread, in: started.repo, connection: connection, followed: followed, onEvent: onEvent)
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    // MARK: - Following threads

    /// Follows `thread` when it works in a configured repository (`thread/read` says where).
    private func followIfOurs(
        _ thread: String, connection: AppServerConnection, followed: FollowedThreads,
        onEvent: @Sendable (Event) async -> Void
    ) async {
        guard followed.repository(of: thread) == nil,
            case .success(let read) = await connection.request("thread/read", ["threadId": .string(thread)]),
            let repo = ours(read["thread"])
        else { return }
        await follow(thread, in: repo, connection: connection, followed: followed, onEvent: onEvent)
    }

    /// Resumes `thread` (no history), which works in the configured repository `repo`.
    private func follow(
        _ thread: String, in repo: String, connection: AppServerConnection, followed: FollowedThreads,
        onEvent: @Sendable (Event) async -> Void
    ) async {
        guard followed.repository(of: thread) == nil else { return }
        followed.set(repo, for: thread)
        let params: JSONValue = ["threadId": .string(thread), "excludeTurns": true]
        // A thread just started has no session file until its first turn writes one, and cannot be
        // resumed before: a few tries, a little longer apart each time (a few seconds in all).
        var pause = Duration.milliseconds(50)
        for attempt in 1...7 {
            switch await connection.request("thread/resume", params) {
            case .success:
                await onEvent(.following(threadID: thread, repoPath: repo))
                return
            case .failure(let error) where error.isClosed:
                return
            case .failure(let error):
                guard attempt < 7, (try? await Task.sleep(for: pause)) != nil else {
                    logger.info("could not follow a desk thread", metadata: ["thread": "\(thread)", "codex": "\(error)"])
                    return
                }
                pause *= 2
            }
        }
    }

    /// The configured repository a thread works in; nil for other folders, ephemeral and sub-agent threads.
    private func ours(_ thread: JSONValue) -> String? {
        guard thread["ephemeral"].bool != true, thread["parentThreadId"].string == nil, let cwd = thread["cwd"].string else { return nil }
        let path = Self.resolved(cwd)
        return repositories.contains(path) ? path : nil
    }

    /// A path as the watcher compares repositories: standardized, symbolic links resolved.
    public static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    // MARK: - Reading

    private func read(
        _ line: String, connection: AppServerConnection, want: AsyncStream<(thread: String, repo: String)>.Continuation,
        folds: inout TurnFolds,
        followed: FollowedThreads, onEvent: @Sendable (Event) async -> Void
    ) async {
        guard let message = AppServerMessage(line: line) else { return }
        switch message {
        case .response(let id, let result): connection.resolve(id, with: .success(result))
        case .failure(let id, let error): connection.resolve(id, with: .failure(error))
        case .request:
            // A desk turn's approval: left for the terminal (answering here would decide for it).
            break
        case .notification(let method, let params):
            if method == "thread/started", let repo = ours(params["thread"]), let thread = params["thread"]["id"].string {
                // Its `thread/started` says where it works: no `thread/read` needed.
                want.yield((thread, repo))
            } else if let thread = params["threadId"].string, let repo = followed.repository(of: thread),
                let ended = folds.fold(method: method, params: params, thread: thread, repoPath: repo)
            {
                await onEvent(.turnEnded(ended))
            }
        }
    }
}

/// Each followed thread's repository: set by the task that follows threads, read by the reader.
final class FollowedThreads: Sendable {
    private let repositories = Mutex<[String: String]>([:])

    func repository(of thread: String) -> String? { repositories.withLock { $0[thread] } }

    func set(_ repository: String, for thread: String) { repositories.withLock { $0[thread] = repository } }
}

/// The desk turns under way, one per thread, folded from their notifications.
struct TurnFolds {
    private struct Fold {
        var mapper = AppServerEventMapper()
        var record = TurnRecord()
        var startedAt = Date()
    }

    private var folds: [String: Fold] = [:]

    /// Folds one notification of `thread`, which works in `repoPath`; the turn, when this one ended it.
    mutating func fold(method: String, params: JSONValue, thread: String, repoPath: String) -> DeskTurn? {
        if method == "turn/started" { folds[thread] = Fold() }
        // A turn already running when the thread was followed is folded from what is seen.
        var fold = folds[thread] ?? Fold()
        if fold.record.threadID == nil { fold.record.apply(.threadStarted(threadID: thread)) }
        if let event = fold.mapper.event(method: method, params: params) { fold.record.apply(event) }
        guard method == "turn/completed" else {
            folds[thread] = fold
            return nil
        }
        folds[thread] = nil
        return DeskTurn(
            threadID: thread, repoPath: repoPath, record: fold.record, startedAt: fold.startedAt, endedAt: Date())
    }
}
