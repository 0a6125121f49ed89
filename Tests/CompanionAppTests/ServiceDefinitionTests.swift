import CompanionApp
import Foundation
import Testing

/// The service file: a start that keeps failing stops, and the program it runs is never one Codex or
/// another user could replace.
@Suite struct ServiceDefinitionTests {
    func definition(_ kind: ServiceDefinition.Kind) -> ServiceDefinition {
        ServiceDefinition(
            kind: kind, executable: "/home/u/.local/bin/codex-companion", configPath: "/home/u/.codex-companion/config.json",
            stateDirectory: "/home/u/.codex-companion", path: "/usr/bin:/bin", home: "/home/u")
    }

    @Test func aStartThatKeepsFailingStops() throws {
        let unit = definition(.systemd).fileContents
        let unitSection = try #require(unit.components(separatedBy: "[Service]").first)
        #expect(unitSection.contains("StartLimitIntervalSec=300\nStartLimitBurst=5\n"))
        #expect(unit.contains("ExecStart=\"/home/u/.local/bin/codex-companion\" serve --config \"/home/u/.codex-companion/config.json\""))
        #expect(unit.contains("Restart=on-failure"))
        let plist = definition(.launchd).fileContents
        #expect(plist.contains("<key>ThrottleInterval</key><integer>30</integer>"))
    }

    @Test func aProgramInAProjectOrATemporaryFolderIsRefused() throws {
        let temporary = ["/tmp", "/var/tmp"]
        let inProject = ServiceDefinition.refusal(
            executable: "/home/u/repo/.build/release/codex-companion", repositories: ["/home/u/repo"], temporaryFolders: temporary)
        #expect(inProject?.hasPrefix("/home/u/repo/.build/release/codex-companion is inside the project folder /home/u/repo") == true)
        let inTemporary = ServiceDefinition.refusal(
            executable: "/var/tmp/x/codex-companion", repositories: ["/home/u/repo"], temporaryFolders: temporary)
        #expect(inTemporary?.contains("is in the temporary folder /var/tmp") == true)
        // A folder whose name only starts like a project's is not inside it.
        #expect(
            ServiceDefinition.refusal(
                executable: "/home/u/repository/codex-companion", repositories: ["/home/u/repo"], temporaryFolders: temporary) == nil)
        #expect(
            ServiceDefinition.refusal(
                executable: "/home/u/.local/bin/codex-companion", repositories: ["/home/u/repo"], temporaryFolders: temporary) == nil)
        #expect(
            ServiceDefinition.temporaryFolders(environment: ["TMPDIR": "/var/folders/ab/T/"]) == ["/tmp", "/var/tmp", "/var/folders/ab/T"])
    }

    /// A temporary folder reached through a symlink (macOS's /tmp is /private/tmp) counts as well.
    @Test func aTemporaryFolderBehindASymlinkIsRefused() throws {
        let root = NSHomeDirectory() + "/.codex-companion-tests/service-" + UUID().uuidString.prefix(8).lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/real-tmp", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/tmp", withDestinationPath: root + "/real-tmp")
        let refusal = ServiceDefinition.refusal(
            executable: root + "/real-tmp/codex-companion", repositories: [], temporaryFolders: [root + "/tmp"])
        #expect(refusal?.contains("is in the temporary folder \(root)/tmp") == true)
    }
}
