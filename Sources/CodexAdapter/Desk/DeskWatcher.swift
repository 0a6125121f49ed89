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
///
/// A desk turn's approval request is handed to `onApproval` while the terminal shows it too; the answer
/// it returns goes to Codex unless the request was withdrawn first (answered at the terminal: Codex says
/// `serverRequest/resolved`; or the turn ended). Other requests are left to the terminal.
public final class DeskWatcher: Sendable {
    /// What the watcher saw.
    public enum Event: Sendable, Equatable {
        /// The daemon answered: the desk is followed through it until `follow` returns.
        case connected
        /// It follows this thread from now on.
        case following(threadID: String, repoPath: String)
        /// A desk turn started, or moved on to another action.
        case turnProgressed(DeskTurnProgress)
        /// A desk turn ended.
        case turnEnded(DeskTurn)
        /// Without a daemon: the session files were looked at once (`DeskFileWatcher`).
        case filesLookedAt
        /// The daemon unloaded the thread: a turn it ran is not running any more.
        case threadClosed(threadID: String)
    }

    private let links: DaemonLinks
    /// Configured repositories, by their resolved path.
    private let repositories: Set<String>
    private let logger: Logger
    /// When the last connection ended, or the watcher was made: a turn that ended at the desk after it
    /// (while the watcher was away: the daemon started or restarted between two looks for its socket)
    /// is read back when its thread is followed. Turns that ended before the companion started are not.
    private let lastConnectionEnd = Mutex(Date())

    public init(daemon: DaemonRunner, repositories: [String], logger: Logger = Logger(label: "companion.codex.desk")) {
        links = daemon.links
        self.repositories = Set(repositories.map(Self.resolved))
        self.logger = logger
    }

    /// Turns that ended until now were told another way (the session files): a later connection reads
    /// back only turns that end after this.
    public func toldUntilNow() {
        lastConnectionEnd.withLock { $0 = Date() }
    }

    /// Follows the desk until the daemon's connection ends (or the task is cancelled); returns at once,
    /// false, when no daemon answers. `onEvent` gets what it sees (from the reader and from the follower, which
    /// may interleave); `onApproval` is asked about
    /// each approval request of a desk turn (concurrently) and returns the decision, or nil to leave it.
    @discardableResult
    public func follow(
        onEvent: @escaping @Sendable (Event) async -> Void,
        onApproval: @escaping @Sendable (DeskApproval) async -> ApprovalDecision? = { _ in nil }
    ) async -> Bool {
        guard let channel = try? await links.watchChannel() else { return false }
        let away = lastConnectionEnd.withLock { $0 }
        defer { lastConnectionEnd.withLock { $0 = Date() } }
        await onEvent(.connected)
        let connection = AppServerConnection()
        let (wanted, want) = AsyncStream<Wanted>.makeStream()
        let (asked, ask) = AsyncStream<(id: JSONValue, approval: DeskApproval)>.makeStream()
        let followed = FollowedThreads()
        let folds = TurnFolds()
        let open = OpenDeskRequests()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await line in connection.lines { channel.send(line) }
                channel.finish()
            }
            group.addTask { [self] in
                for await line in channel.incoming {
                    await read(
                        line, connection: connection, want: want, ask: ask, open: open, folds: folds, followed: followed, onEvent: onEvent)
                }
                connection.close()
                want.finish()
                ask.finish()
                open.withdrawAll()
            }
            group.addTask {
                // Each request waits for its person in a task of its own: the others, and the turn's
                // notifications, go on meanwhile.
                await withDiscardingTaskGroup { requests in
                    for await (id, approval) in asked {
                        requests.addTask {
                            guard let decision = await onApproval(approval), approval.withdrawn.value == nil else { return }
                            connection.respond(to: id, result: ["decision": .string(decision.rawValue)])
                        }
                    }
                }
            }
            group.addTask { [self] in
                // What the daemon holds now, then what starts later.
                await followLoaded(endedSince: away, connection: connection, followed: followed, folds: folds, onEvent: onEvent)
                for await wish in wanted {
                    switch wish {
                    case .started(let thread, let repo):
                        await follow(
                            thread, in: repo, endedSince: .distantPast, connection: connection, followed: followed, folds: folds,
                            onEvent: onEvent)
                    case .readBack(let thread, let repo, let turn):
                        if let ended = await lastTurn(
                            of: thread, in: repo, endedSince: .distantPast, turn: turn, connection: connection, folds: folds)
                        {
                            await onEvent(ended)
                        }
                    case .loadedAgain:
                        await followLoaded(endedSince: away, connection: connection, followed: followed, folds: folds, onEvent: onEvent)
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        return true
    }

    // MARK: - Following threads

    /// What the reader asks the follower to do.
    private enum Wanted {
        /// Follow a thread that just started in a configured repository.
        case started(thread: String, repo: String)
        /// Look at the daemon's loaded threads again: another thread started, as the terminal UI starts
        /// one for a title when its first prompt is sent, so a thread of its that could not be read
        /// before (a new session is written only with its first turn) may be readable now.
        case loadedAgain
        /// Read this turn of the thread back whole: it ended, and only its end was seen.
        case readBack(thread: String, repo: String, turn: String?)
    }

    /// Follows the daemon's loaded threads that work in configured repositories and are not followed yet.
    private func followLoaded(
        endedSince away: Date, connection: AppServerConnection, followed: FollowedThreads, folds: TurnFolds,
        onEvent: @Sendable (Event) async -> Void
    ) async {
        guard case .success(let loaded) = await connection.request("thread/loaded/list", [:]) else { return }
        for thread in (loaded["data"].array ?? []).compactMap(\.string) {
            await followIfOurs(thread, endedSince: away, connection: connection, followed: followed, folds: folds, onEvent: onEvent)
        }
    }

    /// Follows `thread` when it works in a configured repository (`thread/read` says where).
    private func followIfOurs(
        _ thread: String, endedSince away: Date, connection: AppServerConnection, followed: FollowedThreads, folds: TurnFolds,
        onEvent: @Sendable (Event) async -> Void
    ) async {
        guard followed.repository(of: thread) == nil,
            case .success(let read) = await connection.request("thread/read", ["threadId": .string(thread)]),
            let repo = ours(read["thread"])
        else { return }
        await follow(thread, in: repo, endedSince: away, connection: connection, followed: followed, folds: folds, onEvent: onEvent)
    }

    /// Resumes `thread` (no history), which works in the configured repository `repo`. Its last turn is
    /// read back when it ended since `endedSince` (while the watcher was away) and was not told: so is
    /// the first turn of a new thread, which may end before the resume goes through (Codex refuses to
    /// resume a thread before its first turn writes it; a thread that refuses the first try is new).
    private func follow(
        _ thread: String, in repo: String, endedSince: Date, connection: AppServerConnection, followed: FollowedThreads, folds: TurnFolds,
        onEvent: @Sendable (Event) async -> Void
    ) async {
        guard followed.repository(of: thread) == nil else { return }
        followed.set(repo, for: thread)
        let params: JSONValue = ["threadId": .string(thread), "excludeTurns": true]
        // A thread just started has no session file until its first turn writes one, and cannot be
        // resumed before: a few tries, a little longer apart each time (a few seconds in all).
        var pause = Duration.milliseconds(50)
        for attempt in 1...7 {
            // A turn under way now (its start came before the follow) is folded from here; marked as the
            // answer is read, before the thread's next notification.
            let running = Mutex<DeskWatcher.Event?>(nil)
            let answer = await connection.request("thread/resume", params) { answer in
                guard case .success(let resumed) = answer, resumed["thread"]["status"]["type"].string == "active" else { return }
                running.withLock { $0 = folds.alreadyRunning(thread: thread, repoPath: repo) }
            }
            switch answer {
            case .success:
                if let running = running.withLock({ $0 }) { await onEvent(running) }
                await onEvent(.following(threadID: thread, repoPath: repo))
                let since = attempt > 1 ? .distantPast : endedSince
                if let ended = await lastTurn(of: thread, in: repo, endedSince: since, connection: connection, folds: folds) {
                    await onEvent(ended)
                }
                return
            case .failure(let error) where error.isClosed:
                followed.forget(thread)
                return
            case .failure(let error):
                guard attempt < 7, (try? await Task.sleep(for: pause)) != nil else {
                    // Tried again when the daemon's loaded threads are looked at again (a new session
                    // becomes readable with its first prompt, which starts a title thread).
                    followed.forget(thread)
                    logger.info("could not follow a desk thread yet", metadata: ["thread": "\(thread)", "codex": "\(error)"])
                    return
                }
                pause *= 2
            }
        }
    }

    /// The thread's last turn (or the turn `wanted`, when known: a newer one may have started since) read
    /// back, when it ended since `since` and was not told.
    private func lastTurn(
        of thread: String, in repo: String, endedSince since: Date, turn wanted: String? = nil, connection: AppServerConnection,
        folds: TurnFolds
    ) async -> Event? {
        let params: JSONValue = ["threadId": .string(thread), "limit": 3, "sortDirection": "desc", "itemsView": "full"]
        // Folded as the answer is read, before the thread's next notification, so a turn that ends now is
        // told once, either way.
        let ended = Mutex<Event?>(nil)
        _ = await connection.request("thread/turns/list", params) { answer in
            guard case .success(let page) = answer,
                let turn = (page["data"].array ?? []).first(where: { wanted == nil || $0["id"].string == wanted })
            else { return }
            ended.withLock { $0 = folds.readBack(turn, endedSince: since, thread: thread, repoPath: repo) }
        }
        return ended.withLock { $0 }
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
        _ line: String, connection: AppServerConnection, want: AsyncStream<Wanted>.Continuation,
        ask: AsyncStream<(id: JSONValue, approval: DeskApproval)>.Continuation, open: OpenDeskRequests, folds: TurnFolds,
        followed: FollowedThreads, onEvent: @Sendable (Event) async -> Void
    ) async {
        guard let message = AppServerMessage(line: line) else { return }
        switch message {
        case .response(let id, let result): connection.resolve(id, with: .success(result))
        case .failure(let id, let error): connection.resolve(id, with: .failure(error))
        case .request(let id, let method, let params):
            // Only approvals are asked on the phone; any other request is the terminal's to answer.
            guard let thread = params["threadId"].string, let repo = followed.repository(of: thread),
                case .askUser(let request) = AppServerRequestPlan.plan(
                    method: method, params: params, proposal: { folds.proposal(thread: thread, item: $0) })
            else { return }
            // A file change whose proposal came before the thread was followed cannot be shown: nobody
            // approves what they were not shown, so it stays the terminal's.
            if case .fileChange(let changes, let diff) = request.action, changes.isEmpty, diff == nil { return }
            let approval = DeskApproval(threadID: thread, repoPath: repo, request: request, withdrawn: OneShot())
            open.add(approval, id: id)
            ask.yield((id, approval))
        case .notification(let method, let params):
            if method == "thread/started" {
                // Its `thread/started` says where it works: no `thread/read` needed.
                if let repo = ours(params["thread"]), let thread = params["thread"]["id"].string {
                    want.yield(.started(thread: thread, repo: repo))
                } else {
                    want.yield(.loadedAgain)
                }
            } else if method == "thread/closed", let thread = params["threadId"].string {
                // Unloaded by the daemon: followed again if it is loaded again and announced.
                followed.forget(thread)
                folds.forget(thread: thread)
                open.withdrawAll(thread: thread)
                await onEvent(.threadClosed(threadID: thread))
            } else if method == "serverRequest/resolved", let thread = params["threadId"].string {
                // Answered, by the terminal or by us: Codex waits for no other answer.
                open.withdraw(thread: thread, id: params["requestId"], .answeredAtTheDesk)
            } else if let thread = params["threadId"].string, let repo = followed.repository(of: thread) {
                if method == "turn/completed" { open.withdrawAll(thread: thread) }
                if method == "turn/completed", folds.isPartial(thread: thread) {
                    folds.drop(thread: thread)
                    want.yield(.readBack(thread: thread, repo: repo, turn: params["turn"]["id"].string))
                    return
                }
                if let change = folds.fold(method: method, params: params, thread: thread, repoPath: repo) { await onEvent(change) }
            }
        }
    }
}
