import Foundation

/// A file holding one of the companion's secrets (the bot token, the transcription key). It is read only
/// when no other local user can read it, and its text is never put in a message.
enum SecretFile {
    enum Problem: Error, Equatable {
        case unreadable
        /// Group or others have some permission: `chmod 600` fixes it.
        case readableByOthers
        case empty
    }

    /// The file's text, trimmed, or why it cannot be used.
    static func read(_ path: String) -> Result<String, Problem> {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let contents = FileManager.default.contents(atPath: path)
        else { return .failure(.unreadable) }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            return .failure(.readableByOthers)
        }
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? .failure(.empty) : .success(text)
    }

    /// The problem in words, for the file described as `what` (e.g. "The bot token file").
    static func message(_ problem: Problem, what: String, path: String) -> String {
        switch problem {
        case .unreadable: "\(what) \(path) cannot be read."
        case .readableByOthers: "\(what) \(path) is readable by other users: run `chmod 600 \(path)`."
        case .empty: "\(what) \(path) is empty."
        }
    }
}
