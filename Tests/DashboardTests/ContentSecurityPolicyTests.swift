import CompanionCore
import Dashboard
import Foundation
import PortFakes
import Testing

/// The Content-Security-Policy over real HTTP: every response has it, it names nothing but this dashboard,
/// and its hashes are those of the inline script and stylesheet the pages actually carry.
@Suite struct ContentSecurityPolicyTests {
    @Test func everyPageCarriesThePolicyAndItsHashesAreThoseOfTheBlocksServed() async throws {
        let rig = try await DashboardRig.start()
        let browser = try await rig.login()
        rig.runner.scriptApproval(
            "deploy it", ApprovalRequest(turnID: "t1", itemID: "i1", action: .command(command: "make deploy", cwd: "/code/alpha")))
        let submitted = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"alpha","prompt":"deploy it"}"#)
        let id = try #require((try DashboardRig.json(submitted)["taskID"] as? NSNumber)?.int64Value)
        await Eventually.until { await !rig.tasks.pendingApprovals().isEmpty }

        let cookie = ["Cookie": browser.cookie]
        let pages = [
            ("/login", [:]), ("/", cookie), ("/tasks/\(id)", cookie), ("/projects/alpha/sessions", cookie), ("/approvals", cookie),
            ("/audit", cookie),
        ]
        var scriptsSeen = 0
        for (path, headers) in pages {
            let reply = try await rig.client.send("GET", path, headers: headers)
            #expect(reply.status == 200 || (path == "/login" && reply.status == 401), "\(path)")
            let policy = try #require(Self.policy(reply), "\(path)")
            #expect(policy["default-src"] == ["'none'"])
            #expect(policy["img-src"] == ["'self'", "data:"])
            #expect(policy["connect-src"] == ["'self'"])
            #expect(policy["form-action"] == ["'self'"])
            #expect(policy["frame-ancestors"] == ["'none'"])
            #expect(policy["base-uri"] == ["'none'"])
            let styles = Self.blocks("style", in: reply.body)
            #expect(styles.count == 1, "\(path)")
            #expect(policy["style-src"] == styles.map(Self.hashSource), "\(path)")
            let scripts = Self.blocks("script", in: reply.body)
            for script in scripts { #expect(policy["script-src"] == [Self.hashSource(script)], "\(path)") }
            scriptsSeen += scripts.count
            // Nothing the policy would block: no style attribute, no event handler attribute.
            #expect(!reply.body.contains(" style="), "\(path)")
            #expect(reply.body.range(of: #"<[^>]*\son[a-z]+="#, options: .regularExpression) == nil, "\(path)")
        }
        #expect(scriptsSeen == 3)  // the live pages: the overview, the task, the approvals
        // Not only pages: an API answer and a refusal carry it too.
        for reply in [
            try await rig.api("GET", "/api/state", browser), try await rig.client.send("GET", "/", host: "evil.example:\(rig.port)"),
        ] {
            #expect(Self.policy(reply)?["default-src"] == ["'none'"])
        }
        let pending = try #require(await rig.tasks.pendingApprovals().first)
        _ = try await rig.api("POST", "/api/approvals/\(pending.id)", browser, json: #"{"decision":"decline"}"#)
        rig.runner.open("deploy it")
        await rig.stop()
    }

    /// The policy's directives and their sources.
    static func policy(_ reply: HTTPReply) -> [String: [String]]? {
        guard let header = reply.header("content-security-policy") else { return nil }
        var directives: [String: [String]] = [:]
        for directive in header.split(separator: ";") {
            let words = directive.split(separator: " ").map(String.init)
            guard let name = words.first else { continue }
            directives[name] = Array(words.dropFirst())
        }
        return directives
    }

    /// The text of every `<tag>…</tag>` block in a page.
    static func blocks(_ tag: String, in page: String) -> [String] {
        var found: [String] = []
        var rest = page[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest[open.upperBound...].range(of: "</\(tag)>") {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// `'sha256-<base64>'` of a block, from the dashboard's SHA-256 (hex) turned into bytes.
    static func hashSource(_ block: String) -> String {
        let hex = Array(LoginLink.hash(block))
        let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(hex[$0...$0 + 1]), radix: 16)! }
        return "'sha256-\(Data(bytes).base64EncodedString())'"
    }
}
