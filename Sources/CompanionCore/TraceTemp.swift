import Foundation
public enum TraceTemp {
    public static let on = ProcessInfo.processInfo.environment["CODEX_COMPANION_TRACE"] != nil
    public static func mark(_ label: String) {
        guard on else { return }
        FileHandle.standardError.write(Data(String(format: "TRACE %.6f %@\n", Date().timeIntervalSince1970, label).utf8))
    }
}
