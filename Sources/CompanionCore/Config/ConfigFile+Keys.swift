/// The decoding helpers `ConfigFile` shares: naming a key as messages do, finding unknown keys, and
/// telling a missing key from a JSON `null`.
extension ConfigFile {
    /// Any key of a JSON object, to list the keys an object has.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A coding path as messages name it: `projects[0].name`, `limits.max_parallel`. With `indices` false,
    /// every list index is written `[]` (`projects[].name`), to tell which key it is whatever the entry.
    static func keyPath(_ codingPath: [any CodingKey], indices: Bool = true) -> String {
        codingPath.reduce(into: "") { text, key in
            if let index = key.intValue {
                text += indices ? "[\(index)]" : "[]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
    }
}

extension Decoder {
    /// A warning for each key of the object being decoded that `Keys` does not list, sorted by key, e.g.
    /// `unknown key "codex.binnary" is ignored (known: binary, home, sandbox)`.
    func unknownKeyWarnings<Keys: CodingKey & CaseIterable>(known _: Keys.Type) throws -> [String] {
        let known = Set(Keys.allCases.map(\.stringValue))
        let present = Set(try container(keyedBy: ConfigFile.AnyKey.self).allKeys.map(\.stringValue))
        return present.subtracting(known).sorted().map { key in
            let name = ConfigFile.keyPath(codingPath + [ConfigFile.AnyKey(stringValue: key)])
            return "unknown key \"\(name)\" is ignored (known: \(known.sorted().joined(separator: ", ")))"
        }
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or nil when the object does not have the key. Unlike `decodeIfPresent`, a JSON
    /// `null` is decoded (and so fails, naming the key): the config only ever took `null` for a string.
    func decodeUnlessMissing<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        contains(key) ? try decode(type, forKey: key) : nil
    }
}
