import Foundation

/// A process's resident memory from /proc (Linux): RSS, peak RSS, and the largest mappings by RSS
/// (shared libraries by name, `[heap]`, anonymous memory), to say where the megabytes go.
struct MemoryReport: Sendable {
    var rssMiB: Double
    var peakMiB: Double
    var largest: [(name: String, mib: Double)]

    static func read(pid: Int32) -> MemoryReport? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kib(_ key: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key) }
            return Double(line?.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        var byName: [String: Double] = [:]
        // /proc files report a size of 0: read them to the end rather than by their size.
        if let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/smaps"), let bytes = try? handle.readToEnd() {
            let smaps = String(decoding: bytes, as: UTF8.self)
            var current = "[anonymous]"
            for line in smaps.split(separator: "\n") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if let first = fields.first, first.contains("-"), first.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                    current =
                        fields.count >= 6 ? String((fields[5...].joined(separator: " ") as NSString).lastPathComponent) : "[anonymous]"
                } else if fields.first == "Rss:", fields.count >= 2, let value = Double(fields[1]) {
                    byName[current, default: 0] += value
                }
            }
            try? handle.close()
        }
        let largest = byName.sorted { $0.value > $1.value }.prefix(8).map { (name: $0.key, mib: $0.value / 1024) }
        return MemoryReport(rssMiB: kib("VmRSS:") / 1024, peakMiB: kib("VmHWM:") / 1024, largest: largest)
    }
}
