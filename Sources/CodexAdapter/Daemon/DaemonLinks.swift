import Foundation
import Logging

/// Keeps the link to Codex's daemon: the one that is open while the daemon runs, or a new one when the
/// daemon has come (back). Turns that start together wait for the same attempt instead of each opening
/// a connection.
actor DaemonLinks {
    private let socketPath: String
    private let limit: Duration
    private let logger: Logger
    private var open: DaemonLink?
    private var attempt: Task<DaemonLink, any Error>?
    /// How many connections were opened: one while the daemon stays up.
    private(set) var opened = 0

    init(socketPath: String, limit: Duration, logger: Logger) {
        self.socketPath = socketPath
        self.limit = limit
        self.logger = logger
    }

    /// A channel on the open link, or on a new one; throws when the daemon does not answer.
    func channel() async throws -> DaemonChannel {
        try await channel { $0.openChannel() }
    }

    /// The link's watcher channel (see `DaemonLink.openWatchChannel`).
    func watchChannel() async throws -> DaemonChannel {
        try await channel { $0.openWatchChannel() }
    }

    private func channel(_ open: (DaemonLink) -> DaemonChannel?) async throws -> DaemonChannel {
        for _ in 0..<2 {
            let link = try await link()
            if let channel = open(link) { return channel }
            // The daemon went between the check and the channel: once more, with a new connection.
        }
        throw DaemonSocketError.timedOut
    }

    private func link() async throws -> DaemonLink {
        if let open, !open.isClosed { return open }
        open = nil
        if let attempt { return try await outcome(of: attempt) }
        opened += 1
        let (socketPath, limit, logger) = (socketPath, limit, logger)
        let attempt = Task { try await DaemonLink.open(socketPath: socketPath, limit: limit, logger: logger) }
        self.attempt = attempt
        return try await outcome(of: attempt)
    }

    /// Waits for the attempt every caller shares; a failed one is forgotten, so the next turn tries anew.
    private func outcome(of attempt: Task<DaemonLink, any Error>) async throws -> DaemonLink {
        defer { if self.attempt == attempt { self.attempt = nil } }
        let link = try await attempt.value
        if self.attempt == attempt { open = link }
        return link
    }
}
