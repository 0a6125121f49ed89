import CompanionCore
import Testing

@Suite struct CodexEventDecoderTests {
    let decoder = CodexEventDecoder()

    @Test func decodesThreadAndTurnLifecycle() throws {
        #expect(try decoder.decode(line: #"{"type":"thread.started","thread_id":"01a2-b3"}"#) == .threadStarted(threadID: "01a2-b3"))
        #expect(try decoder.decode(line: #"{"type":"turn.started"}"#) == .turnStarted)
        let completed = try decoder.decode(
            line: """
                {"type":"turn.completed","usage":{"input_tokens":200,"cached_input_tokens":50,"cache_write_input_tokens":0,"output_tokens":40,"reasoning_output_tokens":3}}
                """)
        #expect(
            completed
                == .turnCompleted(usage: TokenUsage(inputTokens: 200, cachedInputTokens: 50, outputTokens: 40, reasoningOutputTokens: 3)))
        #expect(try decoder.decode(line: #"{"type":"turn.failed","error":{"message":"We're busy"}}"#) == .turnFailed(message: "We're busy"))
        #expect(try decoder.decode(line: #"{"type":"error","message":"Reconnecting... 1/2"}"#) == .error(message: "Reconnecting... 1/2"))
    }

    @Test func decodesCommandExecutionWhileRunningAndDone() throws {
        let started = try decoder.decode(
            line: """
                {"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'ls'","aggregated_output":"","exit_code":null,"status":"in_progress"}}
                """)
        #expect(
            started
                == .itemStarted(
                    CodexItem(
                        id: "item_1",
                        kind: .commandExecution(
                            CommandExecution(command: "/bin/bash -lc 'ls'", exitCode: nil, status: .inProgress)))))
        let done = try decoder.decode(
            line: """
                {"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"false","aggregated_output":"x\\n","exit_code":2,"status":"failed"}}
                """)
        guard case .itemCompleted(let item) = done, case .commandExecution(let command) = item.kind else {
            Issue.record("expected a completed command, got \(String(describing: done))")
            return
        }
        #expect(command.exitCode == 2)
        #expect(command.aggregatedOutput == "x\n")
        #expect(command.failed)
    }

    @Test func decodesFileChangesTodoListsAndMessages() throws {
        let change = try decoder.decode(
            line: """
                {"type":"item.completed","item":{"id":"item_0","type":"file_change","changes":[{"path":"/r/README.md","kind":"update"},{"path":"/r/notes.txt","kind":"add"}],"status":"completed"}}
                """)
        #expect(
            change
                == .itemCompleted(
                    CodexItem(
                        id: "item_0",
                        kind: .fileChange(
                            changes: [FileChange(path: "/r/README.md", kind: .update), FileChange(path: "/r/notes.txt", kind: .add)],
                            status: .completed))))
        let todo = try decoder.decode(
            line: """
                {"type":"item.updated","item":{"id":"item_0","type":"todo_list","items":[{"text":"Inspect","completed":true},{"text":"Write","completed":false}]}}
                """)
        #expect(
            todo
                == .itemUpdated(
                    CodexItem(
                        id: "item_0",
                        kind: .todoList([
                            TodoItem(text: "Inspect", completed: true), TodoItem(text: "Write", completed: false),
                        ]))))
        let message = try decoder.decode(
            line: #"{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"All <done> & \"ok\""}}"#)
        #expect(message == .itemCompleted(CodexItem(id: "item_2", kind: .agentMessage(text: "All <done> & \"ok\""))))
    }

    @Test func toleratesDuplicateKeysUnknownTypesAndFields() throws {
        // web_search items carry a second "id" key in Codex 0.147.0.
        let search = try decoder.decode(
            line: """
                {"type":"item.started","item":{"id":"item_0","type":"web_search","id":"ws_1","query":"codex","action":{"type":"search"}}}
                """)
        guard case .itemStarted(let item) = search else {
            Issue.record("expected item.started, got \(String(describing: search))")
            return
        }
        #expect(item.kind == .webSearch(query: "codex"))
        #expect(try decoder.decode(line: #"{"type":"thread.archived","extra":{"a":1}}"#) == .unknown(type: "thread.archived"))
        let unknownItem = try decoder.decode(line: #"{"type":"item.completed","item":{"id":"item_9","type":"image_view","path":"/x.png"}}"#)
        #expect(unknownItem == .itemCompleted(CodexItem(id: "item_9", kind: .unknown(type: "image_view"))))
        let extraField = try decoder.decode(line: #"{"type":"thread.started","thread_id":"t1","new_field":[1,2,{"x":null}]}"#)
        #expect(extraField == .threadStarted(threadID: "t1"))
        let mcpError = try decoder.decode(
            line:
                #"{"type":"item.completed","item":{"id":"i","type":"mcp_tool_call","server":"s","tool":"t","arguments":{},"result":null,"error":"boom","status":"failed"}}"#
        )
        #expect(mcpError == .itemCompleted(CodexItem(id: "i", kind: .mcpToolCall(server: "s", tool: "t", status: "failed", error: "boom"))))
    }

    @Test func blankLinesAreSkippedAndGarbageIsAnError() throws {
        #expect(try decoder.decode(line: "   ") == nil)
        #expect(throws: CodexEventDecoder.InvalidLine.self) { try decoder.decode(line: "Reading additional input from stdin...") }
        #expect(throws: CodexEventDecoder.InvalidLine.self) { try decoder.decode(line: #"{"no_type":1}"#) }
    }
}
