/// An error whose message is printed as is, without a stack of internal detail.
public struct UserFacingError: Error, CustomStringConvertible {
    public var description: String

    public init(_ message: String) {
        description = message
    }
}
