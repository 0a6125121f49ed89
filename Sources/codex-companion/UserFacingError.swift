/// An error whose message is printed as is, without a stack of internal detail.
struct UserFacingError: Error, CustomStringConvertible {
    var description: String

    init(_ message: String) {
        description = message
    }
}
