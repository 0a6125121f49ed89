/// When a process started, as the system reports it, in a form that differs for any later process given
/// the same id (after the id wrapped around, or after a reboot): with the id, it names one process.
/// Opaque: only compared, and kept in the store as text.
public struct ProcessStartTime: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}
