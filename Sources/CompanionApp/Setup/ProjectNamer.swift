import CompanionCore
import Foundation

/// Suggests the short names `init` gives the repositories it found, and checks the ones a user types.
/// A name is what the user types on a phone (`/project web`), so the suggestion is the folder's own
/// name made valid for `ProjectName.isValid`, and unique ignoring case, as the config loader demands.
public struct ProjectNamer: Sendable {
    /// Names already given, lowercased: the loader compares names ignoring case.
    private var taken: Set<String> = []

    public init() {}

    /// Why `name` cannot be used, or nil when it can.
    public func problem(with name: String) -> String? {
        guard ProjectName.isValid(name) else {
            return "\"\(name)\" is not a valid name: use letters, digits, - and _ (at most 32)"
        }
        guard !taken.contains(name.lowercased()) else {
            return "the name \"\(name)\" is already used (names ignore case)"
        }
        return nil
    }

    /// Records `name` as used; later suggestions and checks avoid it.
    public mutating func take(_ name: String) {
        taken.insert(name.lowercased())
    }

    /// A valid, unused name for the repository at `path`: its folder name with every character
    /// `ProjectName` refuses turned into `-`, and `-2`, `-3`… added when the name is taken. Not recorded:
    /// call `take` with the name finally chosen.
    public func suggestion(for path: String) -> String {
        let base = Self.validBase((path as NSString).lastPathComponent)
        if problem(with: base) == nil { return base }
        var number = 2
        while true {
            let suffix = "-\(number)"
            let candidate = String(base.prefix(32 - suffix.count)) + suffix
            if problem(with: candidate) == nil { return candidate }
            number += 1
        }
    }

    /// `folder` with accents dropped, other characters outside letters, digits, `-` and `_` replaced by
    /// `-` (runs of them by one), no `-` at either end, at most 32 characters; "project" if nothing is left.
    static func validBase(_ folder: String) -> String {
        let folded = folder.folding(options: [.diacriticInsensitive], locale: nil)
        var result = ""
        for scalar in folded.unicodeScalars {
            let keep = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
            if keep {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
        }
        let trimmed = String(result.trimmingCharacters(in: CharacterSet(charactersIn: "-")).prefix(32))
        let name = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return name.isEmpty ? "project" : name
    }
}
