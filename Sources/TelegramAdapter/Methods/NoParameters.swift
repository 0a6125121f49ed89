/// The request of a method called without parameters (getMe): encodes as `{}`.
public struct NoParameters: Encodable, Sendable, Equatable {
    public init() {}
}
