import CompanionCore
import Foundation
import Logging
import Synchronization

/// The companion's one connection to Codex's daemon, kept while the daemon runs and shared by every turn.
/// Each turn talks through a channel of its own, as if it had the daemon to itself: the link numbers the
/// channels' requests on the connection and hands each answer back under the channel's own id, and gives
/// a channel the notifications and requests of the threads it started, resumed or forked (they all name
/// their `threadId`), and of the sub-agent threads started under those. Messages of other threads are
/// dropped; a request about one is left for the daemon's other clients (the terminal) to answer.
///
/// The handshake (`initialize`, `initialized`) is the link's, once per connection. When a channel ends,
/// the link unsubscribes from its threads, so the connection does not keep them: the daemon lets them go
/// when it would without the companion (it keeps an idle thread, and its writer lock, for about half an
/// hour). When the daemon goes, every channel's input ends; the next turn opens a new link.
final class DaemonLink: Sendable {
    /// A request sent on the connection, waiting for its answer.
    private enum Pending {
        /// A channel's request: the answer goes back to it under `localID`.
        case channel(Int, localID: JSONValue, method: String)
        /// The link's own request (the handshake, an unsubscribe).
        case link(OneShot<AppServerMessage>)
    }

    /// A turn's channel as the link keeps it.
    private struct Channel {
        let input: AsyncStream<String>.Continuation
        /// Fired by the first answer the daemon gives the channel.
        let answered: OneShot<Void>
    }

    private struct State {
        var nextID = 1
        var pending: [Int: Pending] = [:]
        var nextChannel = 1
        var channels: [Int: Channel] = [:]
        /// Which channel each thread's messages go to.
        var owners: [String: Int] = [:]
        /// The channel that follows the desk's threads (`DeskWatcher`), if one does.
        var watcher: Int?
        /// Threads the watcher follows: their messages go to it while no turn of ours owns them.
        var watched: Set<String> = []
        var closed = false
    }

    private let state = Mutex(State())
    private let outgoing: AsyncStream<String>.Continuation
    private let outgoingLines: AsyncStream<String>
    private let socket: DaemonSocket
    private let logger: Logger

    private init(socket: DaemonSocket, logger: Logger) {
        (outgoingLines, outgoing) = AsyncStream.makeStream()
        self.socket = socket
        self.logger = logger
    }

    /// Connects, starts reading and writing, and does the handshake, all within `limit`; throws when the
    /// daemon does not answer (then no link is left behind).
    static func open(socketPath: String, limit: Duration, logger: Logger) async throws -> DaemonLink {
        let socket = try await DaemonSocket.connect(path: socketPath, limit: limit)
        let link = DaemonLink(socket: socket, logger: logger)
        // The connection lives as long as the daemon answers; it is nobody's child task because every
        // turn uses it, and none of them owns it.
        Task { await link.run() }
        let answer = link.request("initialize", AppServerConversation.initializeParams)
        guard case .response? = await answer.wait(upTo: limit) else {
            link.abort()
            throw DaemonSocketError.timedOut
        }
        link.outgoing.yield(JSONValue.object(["method": "initialized"]).line)
        return link
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Drops the connection (a daemon that stopped answering): every channel's input ends.
    func abort() {
        socket.abort()
    }

    /// A new channel for one turn; nil once the connection has ended.
    func openChannel() -> DaemonChannel? {
        let (incoming, continuation) = AsyncStream<String>.makeStream()
        let answered = OneShot<Void>()
        let id = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            defer { state.nextChannel += 1 }
            state.channels[state.nextChannel] = Channel(input: continuation, answered: answered)
            return state.nextChannel
        }
        guard let id else { return nil }
        return DaemonChannel(id: id, incoming: incoming, answered: answered, link: self)
    }

    /// The channel that follows the desk (one per link): it gets every `thread/started` and
    /// `thread/closed`, and the messages of the threads it resumed while no turn of ours owns them.
    func openWatchChannel() -> DaemonChannel? {
        guard let channel = openChannel() else { return nil }
        state.withLock { $0.watcher = channel.id }
        return channel
    }

    /// Asks the daemon to interrupt a turn, answer or not (a turn whose run was cancelled).
    func interrupt(thread: String, turn: String) {
        _ = request("turn/interrupt", ["threadId": .string(thread), "turnId": .string(turn)])
    }

    // MARK: - What channels send

    /// Sends a channel's line; a request gets a connection-wide id, and its answer comes back under the
    /// channel's own.
    func send(_ line: String, from channel: Int) {
        guard let json = JSONValue(parsing: line), case .object(var members) = json,
            let method = members["method"]?.string, let localID = members["id"], !localID.isNull
        else {
            outgoing.yield(line)
            return
        }
        // Gone: the channel's input has ended, and with it every wait for this answer.
        guard let id = reserveID(for: .channel(channel, localID: localID, method: method)) else { return }
        members["id"] = .number(Double(id))
        outgoing.yield(JSONValue.object(members).line)
    }

    /// The channel's turn is over: its input ends, and the link leaves its threads.
    func finish(_ channel: Int) {
        let (removed, threads) = state.withLock { state -> (Channel?, [String]) in
            var threads = state.owners.filter { $0.value == channel }.map(\.key)
            for thread in threads { state.owners[thread] = nil }
            if state.watcher == channel {
                state.watcher = nil
                threads += state.watched.filter { state.owners[$0] == nil }
                state.watched = []
            } else {
                // Still followed by the watcher: the connection stays subscribed for it.
                threads.removeAll { state.watched.contains($0) }
            }
            return (state.channels.removeValue(forKey: channel), threads)
        }
        removed?.input.finish()
        threads.forEach(leave)
    }

    /// Unsubscribes from a thread no turn of ours needs any more.
    private func leave(_ thread: String) {
        _ = request("thread/unsubscribe", ["threadId": .string(thread)])
    }

    // MARK: - The connection

    private func request(_ method: String, _ params: JSONValue) -> OneShot<AppServerMessage> {
        let answer = OneShot<AppServerMessage>()
        guard let id = reserveID(for: .link(answer)) else {
            answer.fulfil(.failure(id: nil, error: .closed))
            return answer
        }
        outgoing.yield(JSONValue.object(["id": .number(Double(id)), "method": .string(method), "params": params]).line)
        return answer
    }

    /// A connection-wide id for a request, its answer to go where `pending` says; nil once closed.
    private func reserveID(for pending: Pending) -> Int? {
        state.withLock { state in
            guard !state.closed else { return nil }
            defer { state.nextID += 1 }
            state.pending[state.nextID] = pending
            return state.nextID
        }
    }

    /// Writes what the channels send and hands out what the daemon says, until the connection ends.
    private func run() async {
        do {
            try await socket.run { messages, sender in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { [outgoingLines, socket] in
                        do {
                            for await line in outgoingLines { try await sender.send(line) }
                        } catch {
                            // Nothing can be said any more: the link ends, and with it every turn on it.
                            socket.abort()
                            throw error
                        }
                    }
                    for try await message in messages { deliver(message) }
                    group.cancelAll()
                }
            }
        } catch {
            logger.warning("the connection to Codex's daemon failed", metadata: ["error": "\(error)"])
        }
        closeAll()
    }

    private func deliver(_ text: String) {
        guard let message = AppServerMessage(line: text) else {
            logger.warning("Codex's daemon sent a message that is not JSON-RPC", metadata: ["message": "\(text.prefix(200))"])
            return
        }
        switch message {
        case .response(let id, _), .failure(let id, _):
            deliverAnswer(message, id: id)
        case .notification(let method, let params):
            switch method {
            case "thread/started":
                adoptChild(params["thread"])
                toWatcher(text)
            case "thread/closed":
                _ = state.withLock { $0.watched.remove(params["threadId"].string ?? "") }
                toWatcher(text)
            default:
                route(text, thread: params["threadId"].string)
            }
        case .request(_, let method, let params):
            // Not answered when no turn of ours owns its thread: another client of the daemon (the terminal)
            // may, and an answer from here would decide for it.
            if !route(text, thread: params["threadId"].string) {
                logger.warning("Codex's daemon asked about a thread no turn follows", metadata: ["method": "\(method)"])
            }
        }
    }

    /// Hands a message to the channel that owns `thread`, else to the watcher if it follows the thread;
    /// false when neither does.
    @discardableResult
    private func route(_ text: String, thread: String?) -> Bool {
        guard let thread,
            let target = state.withLock({ state in
                (state.owners[thread] ?? (state.watched.contains(thread) ? state.watcher : nil)).flatMap { state.channels[$0] }
            })
        else { return false }
        target.input.yield(text)
        return true
    }

    private func toWatcher(_ text: String) {
        state.withLock { state in state.watcher.flatMap { state.channels[$0] } }?.input.yield(text)
    }

    /// A thread started under one of ours (a sub-agent's) belongs to the same turn: its requests (an
    /// approval) must reach the person who is asked.
    private func adoptChild(_ thread: JSONValue) {
        guard let child = thread["id"].string, let parent = thread["parentThreadId"].string else { return }
        state.withLock { state in
            if let owner = state.owners[parent], state.owners[child] == nil { state.owners[child] = owner }
        }
    }

    /// An answer goes to the request that waits for it; a channel's `thread/start`, `thread/resume` or
    /// `thread/fork` makes the channel the thread's owner before the thread's next message is read.
    private func deliverAnswer(_ message: AppServerMessage, id: JSONValue) {
        guard let number = id.int else { return }
        let (pending, target, orphan) = state.withLock { state -> (Pending?, Channel?, String?) in
            guard let pending = state.pending.removeValue(forKey: number) else { return (nil, nil, nil) }
            guard case .channel(let channel, _, let method) = pending else { return (pending, nil, nil) }
            var orphan: String?
            if case .response(_, let result) = message, ["thread/start", "thread/resume", "thread/fork"].contains(method),
                let thread = result["thread"]["id"].string
            {
                if state.channels[channel] == nil {
                    // A turn stopped before this answer came is gone: the link leaves the thread at once.
                    if !state.watched.contains(thread) { orphan = thread }
                } else if channel == state.watcher {
                    state.watched.insert(thread)
                } else {
                    state.owners[thread] = channel
                }
            }
            return (pending, state.channels[channel], orphan)
        }
        if let orphan { leave(orphan) }
        target?.answered.fire()
        switch pending {
        case .link(let answer)?:
            answer.fulfil(message)
        case .channel(_, let localID, _)?:
            let local: JSONValue
            switch message {
            case .response(_, let result): local = ["id": localID, "result": result]
            case .failure(_, let error):
                local = ["id": localID, "error": ["code": .number(Double(error.code)), "message": .string(error.message)]]
            default: return
            }
            target?.input.yield(local.line)
        case nil:
            break
        }
    }

    private func closeAll() {
        let (channels, pending) = state.withLock { state -> ([Channel], [Pending]) in
            state.closed = true
            state.owners = [:]
            defer {
                state.channels = [:]
                state.pending = [:]
            }
            return (Array(state.channels.values), Array(state.pending.values))
        }
        outgoing.finish()
        channels.forEach { $0.input.finish() }
        for case .link(let answer) in pending { answer.fulfil(.failure(id: nil, error: .closed)) }
    }
}

/// One turn's share of the link: the daemon's lines for it, and a way to send.
struct DaemonChannel: Sendable {
    let id: Int
    /// The answers to this channel's requests and its threads' messages; ends when the turn is over or
    /// the daemon has gone.
    let incoming: AsyncStream<String>
    /// Fired by the daemon's first answer on this channel: until then the daemon has shown no sign of life.
    let answered: OneShot<Void>
    let link: DaemonLink

    func send(_ line: String) {
        link.send(line, from: id)
    }

    /// The turn is over (or is dropped): its input ends and the link leaves its threads.
    func finish() {
        link.finish(id)
    }
}
