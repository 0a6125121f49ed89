import Foundation
import TestSupport
import Testing

/// Bad input through the real binary: each gets a short message naming what to fix, and exit code 1.
@Suite struct CLIErrorTests {
    func scratch() throws -> String {
        let path = NSHomeDirectory() + "/.codex-companion-tests/cli-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path + "/repo/.git", withIntermediateDirectories: true)
        return path
    }

    func write(_ json: String, in root: String) throws -> String {
        let path = root + "/config.json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func missingConfigPrintsAStarter() async throws {
        let output = try await CompanionProcess.run(["projects", "--config", "/nonexistent/config.json"])
        #expect(output.exitCode == 1)
        #expect(output.stderr.contains("error: /nonexistent/config.json: config file not found"))
        #expect(output.stderr.contains("\"repo_path\""))
    }

    @Test func configErrorsNameTheFileAndTheKey() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cases: [(String, String)] = [
            ("{\"projects\": [\n  {\"name\": \"a\",, }]}", "invalid JSON at line 2"),
            (#"{"projects": [{"name": "a", "repo_path": "\#(root)/repo"}, {"name": "a", "repo_path": "\#(root)/repo"}]}"#, "is used twice"),
            (#"{"projects": [{"name": "a b", "repo_path": "\#(root)/repo"}]}"#, "simple word"),
            (#"{"projects": [{"name": "a", "repo_path": "repo"}]}"#, "must be an absolute path"),
            (#"{"projects": [{"name": "a", "repo_path": "\#(root)/missing"}]}"#, "does not exist"),
        ]
        for (json, fragment) in cases {
            let config = try write(json, in: root)
            let output = try await CompanionProcess.run(["projects", "--config", config])
            #expect(output.exitCode == 1)
            #expect(output.stderr.contains("error: \(config): "), "\(output.stderr)")
            #expect(output.stderr.contains(fragment), "\(output.stderr)")
        }
    }

    @Test func unknownKeysWarnAndUnknownProjectsListTheValidNames() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try write(
            """
            {"projects": [{"name": "alpha", "repo_path": "\(root)/repo"}], "state_dir": "\(root)/state", "telegarm": {}}
            """, in: root)
        let projects = try await CompanionProcess.run(["projects", "--config", config])
        #expect(projects.exitCode == 0)
        #expect(projects.stdout.hasPrefix("alpha\t"))
        #expect(projects.stderr.contains("unknown key \"telegarm\""))

        let unknown = try await CompanionProcess.run(["run", "--config", config, "gamma", "do it"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("Unknown project \"gamma\". Projects: alpha."))

        let empty = try await CompanionProcess.run(["run", "--config", config, "alpha", "   "])
        #expect(empty.exitCode == 1)
        #expect(empty.stderr.contains("The prompt is empty"))
    }

    @Test func aMissingCodexBinaryIsExplainedByRunAndDoctor() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try write(
            """
            {"projects": [{"name": "alpha", "repo_path": "\(root)/repo"}], "state_dir": "\(root)/state",
             "codex": {"binary": "\(root)/bin/codex"}}
            """, in: root)
        let run = try await CompanionProcess.run(["run", "--config", config, "alpha", "hi"])
        #expect(run.exitCode == 1)
        #expect(run.stdout.contains("Codex was not found"))
        #expect(!run.stdout.contains("Codex said: Codex was not found"))
        let doctor = try await CompanionProcess.run(["doctor", "--config", config])
        #expect(doctor.exitCode == 1)
        #expect(doctor.stdout.contains("✓ alpha: "))
        #expect(doctor.stdout.contains("✗ Codex was not found"))
        #expect(doctor.stdout.contains("✓ state directory"))
    }
}
