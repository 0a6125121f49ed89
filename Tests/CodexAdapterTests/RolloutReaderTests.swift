import CompanionCore
import Foundation
import TestSupport
import Testing

@testable import CodexAdapter

/// The rollout reader on files written like Codex 0.147's and 0.163's (no codex needed): the first
/// prompt and the origin in both formats, a head read that stops at the prompt and never runs past its
/// cap, and appended lines.
@Suite struct RolloutReaderTests {
    final class Home {
        let root = NSHomeDirectory() + "/.codex-companion-tests/reader-" + UUID().uuidString.prefix(8).lowercased()

        init() throws { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) }

        func write(_ session: RolloutFixture.Session) throws -> String { try RolloutFixture.write(session, codexHome: root) }

        /// A file of exactly these lines.
        func write(lines: [String], name: String = UUID().uuidString) throws -> String {
            let path = root + "/rollout-\(name).jsonl"
            try lines.joined().write(toFile: path, atomically: false, encoding: .utf8)
            return path
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    static func size(_ path: String) -> Int64 { RolloutIndex.stat(path)?.size ?? 0 }

    static func readNew(_ path: String) -> RolloutReader.Facts? { RolloutReader.readNew(path: path, size: size(path)) }

    static func meta(originator: String? = nil, source: Any = "vscode", id: String = "t-1", instructionsBytes: Int = 20_000) -> String {
        var payload: [(String, Any)] = [("id", id), ("timestamp", "2026-12-07T14:01:01.629Z"), ("cwd", "/code/alpha")]
        if let originator { payload.append(("originator", originator)) }
        payload += [("source", source), ("base_instructions", ["text": RolloutFixture.filler(instructionsBytes)])]
        return RolloutFixture.line("session_meta", ordered: payload)
    }

    static func userItem(_ text: String, kinds: [String]? = nil) -> String {
        var payload: [String: Any] = ["type": "message", "role": "user", "content": [["type": "input_text", "text": text]]]
        if let kinds { payload["internal_chat_message_metadata_passthrough"] = ["content_item_kinds": kinds] }
        return RolloutFixture.line("response_item", payload)
    }

    static func userMessageItem(_ parts: [String]) -> String {
        RolloutFixture.line(
            "event_msg",
            ["type": "item_completed", "item": ["type": "UserMessage", "content": parts.map { ["type": "text", "text": $0] }]])
    }

    static let answer = RolloutFixture.line(
        "response_item", ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "ok"]]])

    // MARK: - Both formats

    @Test(arguments: RolloutFixture.Format.allCases)
    func bothFormatsGiveTheFirstPromptCwdAndUsage(format: RolloutFixture.Format) throws {
        let home = try Home()
        let path = try home.write(.init(id: "s-\(format)", cwd: "/code/alpha", prompt: "fix the login bug", format: format))
        let facts = try #require(Self.readNew(path))
        #expect(facts.threadID == "s-\(format)")
        #expect(facts.cwd == "/code/alpha")
        #expect(facts.firstPrompt == "fix the login bug")
        #expect(facts.usage == TokenUsage(inputTokens: 1000, cachedInputTokens: 200, outputTokens: 50, reasoningOutputTokens: 5))
        #expect(facts.readOffset == Self.size(path))
    }

    /// 0.163's TUI writes no `user_message`: the prompt is the `UserMessage` item, after ~48 KB of head.
    @Test func todaysTerminalSessionIsATerminalSessionWithItsPrompt() throws {
        let home = try Home()
        let path = try home.write(.init(cwd: "/code/alpha", prompt: "hello from the terminal", format: .paginated))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("\"user_message\""))
        let facts = try #require(Self.readNew(path))
        #expect(facts.firstPrompt == "hello from the terminal")
        // `"source": "vscode"` as 0.163 writes for a TUI thread made through its daemon.
        #expect(text.contains("\"source\":\"vscode\""))
        #expect(facts.source == "cli")
    }

    @Test func theUserMessageItemsTextPartsAreJoined() throws {
        let home = try Home()
        let path = try home.write(lines: [
            Self.meta(originator: "codex-tui"), Self.userItem("<environment_context>x</environment_context>"),
            Self.userItem("first part\nsecond part", kinds: ["user.text", "user.text"]),
            Self.userMessageItem(["first part", "second part"]), Self.answer,
        ])
        #expect(Self.readNew(path)?.firstPrompt == "first part\nsecond part")
    }

    /// A thread whose only user messages so far are Codex's own (its daemon resuming interrupted work)
    /// has no prompt of the person's: the listing does not show Codex's words as theirs.
    @Test func theDaemonsRecoveryMessageIsNoPrompt() throws {
        let home = try Home()
        let recovery = "The server restarted and interrupted the previous turn. Continue the unfinished work from the saved conversation."
        let path = try home.write(lines: [
            Self.meta(originator: "codex-tui"), Self.userItem(recovery, kinds: ["user.text"]), Self.userMessageItem([recovery]),
            Self.userItem("the real question", kinds: ["user.text"]), Self.userMessageItem(["the real question"]), Self.answer,
        ])
        #expect(Self.readNew(path)?.firstPrompt == "the real question")
    }

    // MARK: - Where a session came from

    @Test func theOriginComesFromTheOriginatorNotFromSourceAlone() throws {
        let home = try Home()
        let cases: [(originator: String?, source: Any, origin: String)] = [
            ("codex-tui", "vscode", "cli"),
            ("codex_vscode", "vscode", "vscode"),
            ("codex_exec", "exec", "exec"),
            ("codex_companion", "vscode", "companion"),
            // 0.147's terminal and older files: no originator Codex names, `source` stands.
            ("codex_cli_rs", "cli", "cli"),
            (nil, "cli", "cli"),
            (nil, "exec", "exec"),
            ("some_other_client", "vscode", "vscode"),
            // A sub-agent's `source` is an object, whoever its originator.
            ("codex-tui", ["subagent": ["review": [:] as [String: Any]]], "subagent"),
        ]
        for (index, item) in cases.enumerated() {
            let path = try home.write(lines: [
                Self.meta(originator: item.originator, source: item.source, id: "o-\(index)"), Self.userItem("p"), Self.answer,
            ])
            #expect(Self.readNew(path)?.source == item.origin, "originator \(item.originator ?? "none"), source \(item.source)")
        }
    }

    /// `session_meta` is decoded up to the instructions when the fields come first, as Codex writes
    /// them; in any other order the whole line is.
    @Test func sessionMetaFieldsAfterTheInstructionsAreRead() throws {
        let home = try Home()
        let path = try home.write(lines: [
            RolloutFixture.line(
                "session_meta",
                ordered: [
                    ("id", "late"), ("cwd", "/code/alpha"), ("source", "vscode"),
                    ("base_instructions", ["text": RolloutFixture.filler(20_000)]), ("originator", "codex-tui"),
                    ("timestamp", "2026-12-07T14:01:01.629Z"),
                ]),
            Self.userMessageItem(["p"]),
        ])
        let facts = try #require(Self.readNew(path))
        #expect(facts.source == "cli")
        #expect(facts.startedAt != nil)
    }

    // MARK: - The first prompt

    /// Without a prompt event, the model's copy of the user's message stands in, never Codex's own
    /// context messages sent as the user.
    @Test func theModelsUserMessageStandsInWhenNoPromptEventFollows() throws {
        let home = try Home()
        let path = try home.write(lines: [
            Self.meta(originator: "codex-tui"),
            Self.userItem("<environment_context>\n  <cwd>/code/alpha</cwd>\n</environment_context>"),
            Self.userItem("# AGENTS.md instructions for /code/alpha\n\n<INSTRUCTIONS>be brief</INSTRUCTIONS>"),
            Self.userItem("tagged by kind only", kinds: ["environments.environment_context"]),
            Self.userItem("  the real prompt  ", kinds: ["user.text"]), Self.answer, Self.answer, Self.answer, Self.answer,
            Self.userItem("a later prompt"),
        ])
        #expect(Self.readNew(path)?.firstPrompt == "the real prompt")
    }

    @Test func thePromptEventWinsOverTheModelsCopy() throws {
        let home = try Home()
        let legacy = try home.write(lines: [
            Self.meta(source: "cli"), Self.userItem("<image>photo</image> what is this"),
            RolloutFixture.line("event_msg", ["type": "user_message", "message": "what is this"]),
        ])
        #expect(Self.readNew(legacy)?.firstPrompt == "what is this")
        let paginated = try home.write(lines: [
            Self.meta(originator: "codex-tui"), Self.userItem("the model's copy", kinds: ["user.text"]),
            Self.userMessageItem(["what the user typed"]),
        ])
        #expect(Self.readNew(paginated)?.firstPrompt == "what the user typed")
    }

    // MARK: - The head's cap

    /// The head read ends at the first prompt: the megabytes of the session after it are not read.
    @Test(arguments: RolloutFixture.Format.allCases)
    func theHeadReadStopsAtTheFirstPrompt(format: RolloutFixture.Format) throws {
        let home = try Home()
        let path = try home.write(.init(cwd: "/code/alpha", prompt: "p", format: format, bulkBytes: 3 << 20))
        let (facts, bytesRead) = try #require(RolloutReader.readHead(path: path, size: Self.size(path)))
        #expect(facts.firstPrompt == "p")
        #expect(bytesRead <= 96 << 10, "read \(bytesRead) bytes")
    }

    /// A huge instructions line before the prompt is not read in full: the head stops at its cap (and one
    /// chunk), so the prompt behind it is not found, but the session is (its cwd and usage too).
    @Test func aHugeInstructionsLineBeforeThePromptDoesNotMakeTheReaderReadMegabytes() throws {
        let home = try Home()
        let path = try home.write(
            .init(id: "huge", cwd: "/code/alpha", prompt: "behind the wall", format: .paginated, instructionsBytes: 8 << 20))
        #expect(Self.size(path) > 8 << 20)
        let (head, bytesRead) = try #require(RolloutReader.readHead(path: path, size: Self.size(path)))
        #expect(bytesRead <= RolloutReader.headLimit + Int64(RolloutReader.chunkSize), "read \(bytesRead) bytes")
        #expect(head.firstPrompt == nil)
        let facts = try #require(Self.readNew(path))
        #expect(facts.threadID == "huge")
        #expect(facts.cwd == "/code/alpha")
        #expect(facts.usage?.inputTokens == 1000)
        #expect(facts.readOffset == Self.size(path))
    }

    /// What 0.163 writes before the prompt varies (skills, AGENTS.md): a prompt within the cap is found.
    @Test func aPromptWithinTheCapIsFound() throws {
        let home = try Home()
        let path = try home.write(
            .init(cwd: "/code/alpha", prompt: "after long instructions", format: .paginated, instructionsBytes: 180_000))
        let (facts, bytesRead) = try #require(RolloutReader.readHead(path: path, size: Self.size(path)))
        #expect(facts.firstPrompt == "after long instructions")
        #expect(bytesRead < RolloutReader.headLimit)
    }

    /// Custom base instructions can make `session_meta` alone longer than the cap: still a session.
    @Test func aSessionMetaLongerThanTheCapIsStillASession() throws {
        let home = try Home()
        let path = try home.write(lines: [
            Self.meta(originator: "codex-tui", id: "long-meta", instructionsBytes: 400_000), Self.userMessageItem(["p"]),
        ])
        let facts = try #require(Self.readNew(path))
        #expect(facts.threadID == "long-meta")
        #expect(facts.firstPrompt == "p")
    }

    // MARK: - Appended lines

    /// A session whose file was read before its first prompt (0.163's TUI writes the head first) gets
    /// the prompt from the appended lines; a line still being written is left for the next read.
    @Test(arguments: RolloutFixture.Format.allCases)
    func appendedLinesGiveThePromptAndUsage(format: RolloutFixture.Format) throws {
        let home = try Home()
        let path = try home.write(lines: [Self.meta(originator: format == .legacy ? nil : "codex-tui", source: "cli")])
        let first = try #require(Self.readNew(path))
        #expect(first.firstPrompt == nil)
        #expect(first.readOffset == Self.size(path))
        try RolloutFixture.appendTurn(to: path, cwd: "/code/beta", prompt: "typed later", format: format)
        let complete = Self.size(path)
        try RolloutFixture.append(#"{"timestamp":"2026-01-15T10:00:00.000Z","type":"event_msg","payload":{"type":"#, to: path)
        let next = try #require(RolloutReader.readAppended(path: path, size: Self.size(path), previous: first))
        #expect(next.firstPrompt == "typed later")
        #expect(next.cwd == "/code/beta")
        #expect(next.usage?.inputTokens == 2000)
        #expect(next.readOffset == complete)
        // A later turn does not replace the first prompt.
        try RolloutFixture.append("\"token_count\"}}\n", to: path)
        try RolloutFixture.appendTurn(to: path, cwd: "/code/beta", prompt: "another", format: format)
        let last = try #require(RolloutReader.readAppended(path: path, size: Self.size(path), previous: next))
        #expect(last.firstPrompt == "typed later")
        #expect(last.readOffset == Self.size(path))
    }
}
