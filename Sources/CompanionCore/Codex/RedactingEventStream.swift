import Synchronization

/// Redacts one run's events in the order they arrive. An answer streamed in pieces could split a secret
/// between two pieces, where neither contains it whole: the end of each piece that could start a secret is
/// held back until the next piece shows what it is. The completed message carries the whole text, redacted.
public final class RedactingEventStream: Sendable {
    private let secrets: CompanionSecrets
    /// Per agent message: the text received but not passed on yet.
    private let heldBack = Mutex<[String: String]>([:])

    public init(secrets: CompanionSecrets) {
        self.secrets = secrets
    }

    public func redact(_ event: CodexEvent) -> CodexEvent {
        guard !secrets.values.isEmpty else { return event }
        switch event {
        case .agentMessageDelta(let itemID, let delta):
            let passed = heldBack.withLock { held in
                let text = secrets.redact((held[itemID] ?? "") + delta)
                let pending = secrets.pendingSuffixLength(of: text)
                held[itemID] = String(text.suffix(pending))
                return String(text.dropLast(pending))
            }
            return .agentMessageDelta(itemID: itemID, delta: passed)
        case .itemCompleted(let item):
            heldBack.withLock { $0[item.id] = nil }
            return secrets.redact(event)
        default:
            return secrets.redact(event)
        }
    }
}
