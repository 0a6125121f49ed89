import Foundation
import Subprocess
import TestSupport
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A new user's first command: `serve` in a repository, with no config file and no Telegram. The
/// dashboard starts, the login link is printed, and a task started from it runs in that repository.
@Suite(.enabled(if: TestCodex.shouldRun, Comment(rawValue: TestCodex.missingMessage)))
struct FirstRunTests {
    @Test func serveWithNoConfigDrivesCodexInTheCurrentRepositoryFromTheBrowser() async throws {
        try await withWorkspace { workspace in
            let repo = try await workspace.makeRepository("my-app")
            try FileManager.default.createDirectory(atPath: repo + "/src", withIntermediateDirectories: true)
            workspace.fake.script("first task", [.shell("touch first-run-was-here"), .message("Hello, new user.")])
            let http = LoopbackHTTP()
            var environment: [Environment.Key: String?] = ["CODEX_COMPANION_LOG_LEVEL": "warning"]
            for (key, value) in workspace.homeEnvironment { environment[Environment.Key(stringLiteral: key)] = value }
            let result = try await Subprocess.run(
                .path(FilePath(CompanionProcess.executablePath)), arguments: ["serve", "--dashboard-port", "0"],
                environment: .inherit.updating(environment),
                workingDirectory: FilePath(repo + "/src"),
                input: .none, output: .sequence, error: .string(limit: 1 << 20)
            ) { execution -> String in
                var link: String?
                for try await line in execution.standardOutput.strings() {
                    if let found = line.firstMatch(of: /Dashboard: open (http\S+)/)?.1 {
                        link = String(found)
                        break
                    }
                }
                let url = try #require(link)
                let parts = try #require(URL(string: url))
                let base = "http://\(parts.host ?? ""):\(parts.port ?? 0)"
                let login = try await http.get(url)
                let cookie = try #require(login.header("Set-Cookie")).prefix { $0 != ";" }
                let overview = try await http.get(base + "/", headers: ["Cookie": String(cookie)])
                // Telegram is off, and the page says how to turn it on.
                #expect(overview.body.contains("codex-companion init"))
                let csrf = try #require(overview.body.firstMatch(of: /<meta name="csrf-token" content="([^"]+)">/)?.1)
                let state = try await http.get(base + "/api/state", headers: ["Cookie": String(cookie)])
                #expect(state.body.contains("\"my-app\""), "\(state.body)")
                let submitted = try await http.post(
                    base + "/api/tasks",
                    headers: [
                        "Cookie": String(cookie), "Origin": base, "X-CSRF-Token": String(csrf), "Content-Type": "application/json",
                    ],
                    body: #"{"project": "my-app", "prompt": "first task", "mode": "new"}"#)
                #expect([201, 202].contains(submitted.status), "\(submitted.body)")
                let deadline = ContinuousClock.now + .seconds(120)
                while !FileManager.default.fileExists(atPath: repo + "/first-run-was-here") && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                try execution.send(signal: .terminate)
                return base
            }
            await http.shutdown()
            #expect(FileManager.default.fileExists(atPath: repo + "/first-run-was-here"))
            #expect(result.terminationStatus.isSuccess, "\(result.standardError)")
            #expect(result.standardError.contains("Telegram is off"))
            // The state went where a user's goes: under $HOME.
            #expect(FileManager.default.fileExists(atPath: workspace.root + "/home/.codex-companion/companion.sqlite"))
        }
    }
}
