/// A message's link previews. Replies quote URLs from code and logs, so previews are turned off.
public struct LinkPreviewOptions: Encodable, Sendable, Equatable {
    public var isDisabled: Bool

    enum CodingKeys: String, CodingKey {
        case isDisabled = "is_disabled"
    }

    public init(isDisabled: Bool) {
        self.isDisabled = isDisabled
    }

    public static let disabled = LinkPreviewOptions(isDisabled: true)
}
