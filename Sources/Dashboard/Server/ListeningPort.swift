import Synchronization

/// The port the server listens on, known once it does (the settings may ask for any free port, 0).
final class ListeningPort: Sendable {
    private let port = Mutex(0)

    var value: Int { port.withLock { $0 } }

    func set(_ value: Int) {
        port.withLock { $0 = value }
    }
}
