import Foundation

/// Writing to the terminal: results on stdout, warnings and errors on stderr.
enum Terminal {
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Unbuffered, so progress lines appear while Codex works, in order with everything else.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func progress(_ message: String) {
        out("· \(message)")
    }
}
