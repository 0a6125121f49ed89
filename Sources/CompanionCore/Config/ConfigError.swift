/// Everything that can be wrong with a config file, phrased for the person who edits it.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case missingFile
        case invalidJSON
        case invalidValue
        case duplicateName
        case badRepoPath
    }

    public var kind: Kind
    public var path: String
    public var message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
