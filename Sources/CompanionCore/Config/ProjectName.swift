/// The rule for project names: a simple word the user can type on a phone keyboard.
public enum ProjectName {
    public static func isValid(_ name: String) -> Bool {
        guard (1...32).contains(name.unicodeScalars.count) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
        }
    }
}
