import CompanionCore
import Foundation

/// Whether Codex's daemon answers on its socket, and which Codex it is: for `doctor` and `/status`.
/// It asks the daemon itself (`initialize`, whose answer names its version) instead of comparing version
/// strings, so a later Codex with a daemon is found the same way.
public enum DaemonProbe {
    public enum Status: Sendable, Equatable {
        /// No socket, or nothing listening on it.
        case notRunning
        /// The daemon answered; `userAgent` is its own description (`codex-tui/0.163.0 (…)`).
        case running(userAgent: String)
    }

    /// Asks the daemon; a daemon that does not answer within `limit` counts as not running.
    public static func status(socketPath: String, limit: Duration = DaemonRunner.defaultAnswerLimit) async -> Status {
        let answer = OneShot<Status>()
        let asking = Task { answer.fulfil(await ask(socketPath: socketPath, limit: limit)) }
        guard let status = await answer.wait(upTo: limit) else {
            asking.cancel()
            return .notRunning
        }
        return status
    }

    private static func ask(socketPath: String, limit: Duration) async -> Status {
        guard FileManager.default.fileExists(atPath: socketPath),
            let socket = try? await DaemonSocket.connect(path: socketPath, limit: limit)
        else { return .notRunning }
        let answer = try? await socket.run { messages, sender -> String? in
            let initialize: JSONValue = ["id": 1, "method": "initialize", "params": AppServerConversation.initializeParams]
            try await sender.send(initialize.line)
            var userAgent: String?
            for try await message in messages {
                guard case .response(let id, let result)? = AppServerMessage(line: message), id.int == 1 else { continue }
                userAgent = result["userAgent"].string ?? "unknown version"
                break
            }
            try? await sender.close()
            return userAgent
        }
        guard let answer else { return .notRunning }
        return .running(userAgent: answer)
    }

    /// `0.163.0` from `codex-tui/0.163.0 (Debian …)`, or nil.
    public static func version(inUserAgent userAgent: String) -> String? {
        guard let slash = userAgent.firstIndex(of: "/") else { return nil }
        let rest = userAgent[userAgent.index(after: slash)...]
        let version = rest.prefix { $0.isNumber || $0 == "." }
        return version.isEmpty ? nil : String(version)
    }
}
