import CodexAdapter
import CompanionCore
import Testing

/// The app-server's messages, as codex 0.147.0 writes them, turned into the companion's events, approval
/// requests and answers. Pure: no codex, no process.
struct AppServerMapperTests {
    // MARK: - Sorting lines

    @Test func linesAreSortedByTheirJSONRPCShape() {
        #expect(
            AppServerMessage(line: #"{"id": 1, "result": {"userAgent": "x"}}"#) == .response(id: 1, result: ["userAgent": "x"]))
        #expect(
            AppServerMessage(line: #"{"error": {"code": -32600, "message": "no rollout found for thread id 0"}, "id": 7}"#)
                == .failure(id: 7, error: AppServerRPCError(code: -32600, message: "no rollout found for thread id 0")))
        #expect(
            AppServerMessage(line: #"{"method": "thread/goal/cleared", "params": {"threadId": "t"}}"#)
                == .notification(method: "thread/goal/cleared", params: ["threadId": "t"]))
        #expect(
            AppServerMessage(line: #"{"method": "item/tool/requestUserInput", "id": 0, "params": {}}"#)
                == .request(id: 0, method: "item/tool/requestUserInput", params: [:]))
        #expect(AppServerMessage(line: "WARN something happened") == nil)
        #expect(AppServerMessage(line: "[1, 2]") == nil)
    }

    @Test func outgoingLinesAreCompactJSONWithIntegerIDs() {
        let message: JSONValue = ["id": 3, "method": "turn/start", "params": ["input": [["type": "text", "text": "a/b\nc"]]]]
        let line = message.line
        #expect(line == #"{"id":3,"method":"turn/start","params":{"input":[{"text":"a/b\nc","type":"text"}]}}"#)
        #expect(!line.contains("\n"))
    }

    // MARK: - Notifications

    @Test func aTurnMapsToTheEventsOfExec() {
        var mapper = AppServerEventMapper()
        let events = [
            #"{"method": "turn/started", "params": {"threadId": "t", "turn": {"id": "turn-1", "status": "inProgress"}}}"#,
            #"{"method": "item/started", "params": {"item": {"type": "userMessage", "id": "u1", "clientId": null, "content": [{"type": "text", "text": "hello", "text_elements": []}, {"type": "localImage", "path": "/x.png"}]}}}"#,
            #"{"method": "item/started", "params": {"item": {"type": "agentMessage", "id": "m1", "text": "", "phase": null}}}"#,
            #"{"method": "item/agentMessage/delta", "params": {"threadId": "t", "turnId": "turn-1", "itemId": "m1", "delta": "Hel"}}"#,
            #"{"method": "item/completed", "params": {"item": {"type": "agentMessage", "id": "m1", "text": "Hello.", "phase": null}}}"#,
            #"{"method": "thread/tokenUsage/updated", "params": {"tokenUsage": {"total": {"totalTokens": 240, "inputTokens": 200, "cachedInputTokens": 20, "cacheWriteInputTokens": 0, "outputTokens": 40, "reasoningOutputTokens": 5}, "last": {"inputTokens": 100}}}}"#,
            #"{"method": "account/rateLimits/updated", "params": {"rateLimits": {}}}"#,
            #"{"method": "turn/completed", "params": {"threadId": "t", "turn": {"id": "turn-1", "items": [], "status": "completed", "error": null}}}"#,
        ].compactMap { map(&mapper, $0) }
        #expect(
            events == [
                .turnStarted,
                .itemStarted(CodexItem(id: "u1", kind: .userMessage(text: "hello"))),
                .itemStarted(CodexItem(id: "m1", kind: .agentMessage(text: ""))),
                .agentMessageDelta(itemID: "m1", delta: "Hel"),
                .itemCompleted(CodexItem(id: "m1", kind: .agentMessage(text: "Hello."))),
                .turnCompleted(usage: TokenUsage(inputTokens: 200, cachedInputTokens: 20, outputTokens: 40, reasoningOutputTokens: 5)),
            ])
    }

    @Test func commandsKeepTheirOutputExitCodeAndStatus() {
        var mapper = AppServerEventMapper()
        let started = map(
            &mapper,
            #"{"method": "item/started", "params": {"item": {"type": "commandExecution", "id": "c1", "command": "/bin/bash -lc 'ls'", "cwd": "/r", "status": "inProgress", "aggregatedOutput": null, "exitCode": null}}}"#
        )
        #expect(
            started
                == .itemStarted(
                    CodexItem(
                        id: "c1",
                        kind: .commandExecution(CommandExecution(command: "/bin/bash -lc 'ls'", exitCode: nil, status: .inProgress)))))
        let completed = map(
            &mapper,
            #"{"method": "item/completed", "params": {"item": {"type": "commandExecution", "id": "c1", "command": "ls", "status": "failed", "aggregatedOutput": "no such file\n", "exitCode": 2, "durationMs": 3}}}"#
        )
        #expect(
            completed
                == .itemCompleted(
                    CodexItem(
                        id: "c1",
                        kind: .commandExecution(
                            CommandExecution(command: "ls", aggregatedOutput: "no such file\n", exitCode: 2, status: .failed)))))
        let declined = map(
            &mapper,
            #"{"method": "item/completed", "params": {"item": {"type": "commandExecution", "id": "c2", "command": "rm x", "status": "declined"}}}"#
        )
        #expect(
            declined
                == .itemCompleted(
                    CodexItem(id: "c2", kind: .commandExecution(CommandExecution(command: "rm x", exitCode: nil, status: .declined)))))
    }

    @Test func fileChangesOtherItemsAndUnknownTypes() {
        var mapper = AppServerEventMapper()
        let change = map(
            &mapper,
            #"{"method": "item/completed", "params": {"item": {"type": "fileChange", "id": "f1", "changes": [{"path": "/r/README.md", "kind": {"type": "update", "move_path": null}, "diff": "@@"}, {"path": "/r/new.txt", "kind": {"type": "add"}, "diff": "x"}, {"path": "/r/old.txt", "kind": {"type": "delete"}, "diff": ""}], "status": "completed"}}}"#
        )
        let changes = [
            FileChange(path: "/r/README.md", kind: .update), FileChange(path: "/r/new.txt", kind: .add),
            FileChange(path: "/r/old.txt", kind: .delete),
        ]
        #expect(change == .itemCompleted(CodexItem(id: "f1", kind: .fileChange(changes: changes, status: .completed))))
        #expect(
            map(
                &mapper,
                #"{"method": "item/completed", "params": {"item": {"type": "reasoning", "id": "r1", "summary": ["Thinking", "hard"], "content": []}}}"#
            )
                == .itemCompleted(CodexItem(id: "r1", kind: .reasoning(text: "Thinking\nhard"))))
        #expect(
            map(
                &mapper,
                #"{"method": "item/completed", "params": {"item": {"type": "mcpToolCall", "id": "t1", "server": "docs", "tool": "search", "status": "failed", "error": {"message": "timeout"}}}}"#
            )
                == .itemCompleted(
                    CodexItem(id: "t1", kind: .mcpToolCall(server: "docs", tool: "search", status: "failed", error: "timeout"))))
        #expect(
            map(
                &mapper,
                #"{"method": "item/started", "params": {"item": {"type": "webSearch", "id": "w1", "query": "swift mutex", "action": null}}}"#
            )
                == .itemStarted(CodexItem(id: "w1", kind: .webSearch(query: "swift mutex"))))
        #expect(
            map(&mapper, #"{"method": "item/started", "params": {"item": {"type": "contextCompaction", "id": "k1"}}}"#)
                == .itemStarted(CodexItem(id: "k1", kind: .unknown(type: "contextCompaction"))))
    }

    @Test func thePlanBecomesATodoList() {
        var mapper = AppServerEventMapper()
        let plan = map(
            &mapper,
            #"{"method": "turn/plan/updated", "params": {"threadId": "t", "turnId": "u", "explanation": null, "plan": [{"step": "Read", "status": "completed"}, {"step": "Write", "status": "inProgress"}, {"step": "Test", "status": "pending"}]}}"#
        )
        let items = [
            TodoItem(text: "Read", completed: true), TodoItem(text: "Write", completed: false), TodoItem(text: "Test", completed: false),
        ]
        #expect(plan == .itemUpdated(CodexItem(id: "plan", kind: .todoList(items))))
    }

    @Test func errorsFailuresAndInterruptions() {
        var mapper = AppServerEventMapper()
        let message = "unexpected status 401 Unauthorized: Incorrect API key provided"
        #expect(
            map(
                &mapper,
                #"{"method": "error", "params": {"error": {"message": "Reconnecting... 1/2", "codexErrorInfo": "other"}, "willRetry": true}}"#
            )
                == .error(message: "Reconnecting... 1/2"))
        #expect(
            map(
                &mapper,
                #"{"method": "turn/completed", "params": {"turn": {"id": "u", "status": "failed", "error": {"message": "\#(message)"}}}}"#)
                == .turnFailed(message: message))
        #expect(
            map(&mapper, #"{"method": "turn/completed", "params": {"turn": {"id": "u", "status": "interrupted", "error": null}}}"#) == nil)
        // No usage reported: a completed turn still completes.
        #expect(
            map(&mapper, #"{"method": "turn/completed", "params": {"turn": {"id": "u", "status": "completed"}}}"#)
                == .turnCompleted(usage: .zero))
        #expect(map(&mapper, #"{"method": "thread/started", "params": {"thread": {"id": "t"}}}"#) == nil)
        #expect(map(&mapper, #"{"method": "something/new", "params": null}"#) == nil)
    }

    // MARK: - Requests from Codex

    @Test func aCommandApprovalCarriesTheCommandCwdReasonAndDecisions() {
        let params = params(
            #"{"threadId": "t", "turnId": "u", "itemId": "call_1", "startedAtMs": 1, "environmentId": "local", "reason": "Allow touching a file outside the workspace?", "command": "/bin/bash -lc 'touch /x'", "cwd": "/r", "proposedExecpolicyAmendment": ["touch", "/x"], "availableDecisions": ["accept", {"acceptWithExecpolicyAmendment": {"execpolicy_amendment": ["touch", "/x"]}}, "cancel"]}"#
        )
        #expect(
            AppServerRequestPlan.plan(method: "item/commandExecution/requestApproval", params: params)
                == .askUser(
                    ApprovalRequest(
                        turnID: "u", itemID: "call_1", action: .command(command: "/bin/bash -lc 'touch /x'", cwd: "/r"),
                        reason: "Allow touching a file outside the workspace?", available: [.accept, .cancel])))
        let bare = AppServerRequestPlan.plan(method: "item/commandExecution/requestApproval", params: ["turnId": "u", "itemId": "c"])
        #expect(bare == .askUser(ApprovalRequest(turnID: "u", itemID: "c", action: .command(command: "", cwd: nil))))
    }

    @Test func aFileChangeApprovalCarriesTheChangesProposedBefore() {
        var mapper = AppServerEventMapper()
        _ = map(
            &mapper,
            #"{"method": "item/started", "params": {"item": {"type": "fileChange", "id": "call_f", "changes": [{"path": "/r/README.md", "kind": {"type": "update", "move_path": null}, "diff": "@@ -1 +1,2 @@\n # demo\n+Edited.\n"}, {"path": "/r/notes.txt", "kind": {"type": "add"}, "diff": "first line\n"}], "status": "inProgress"}}}"#
        )
        let params = params(#"{"threadId": "t", "turnId": "u", "itemId": "call_f", "startedAtMs": 1, "reason": null, "grantRoot": null}"#)
        let plan = AppServerRequestPlan.plan(method: "item/fileChange/requestApproval", params: params, proposal: mapper.proposal(for:))
        let changes = [FileChange(path: "/r/README.md", kind: .update), FileChange(path: "/r/notes.txt", kind: .add)]
        #expect(
            plan
                == .askUser(
                    ApprovalRequest(
                        turnID: "u", itemID: "call_f",
                        action: .fileChange(changes: changes, diff: "@@ -1 +1,2 @@\n # demo\n+Edited.\n\nfirst line\n"))))
        // Once the item completed, nothing is kept for it.
        _ = map(
            &mapper,
            #"{"method": "item/completed", "params": {"item": {"type": "fileChange", "id": "call_f", "changes": [], "status": "completed"}}}"#
        )
        #expect(mapper.proposal(for: "call_f") == nil)
    }

    @Test func otherRequestsGetASafeAnswerAtOnce() {
        #expect(
            AppServerRequestPlan.plan(method: "item/permissions/requestApproval", params: [:])
                == .answer(["permissions": [:], "scope": "turn"]))
        #expect(
            AppServerRequestPlan.plan(method: "mcpServer/elicitation/request", params: [:])
                == .answer(["action": "decline", "content": nil, "_meta": nil]))
        #expect(AppServerRequestPlan.plan(method: "item/tool/requestUserInput", params: [:]) == .answer(["answers": [:]]))
        #expect(
            AppServerRequestPlan.plan(method: "item/tool/call", params: [:])
                == .refuse(AppServerRPCError(code: -32601, message: "not supported by codex-companion")))
    }

    // MARK: - Helpers

    private func map(_ mapper: inout AppServerEventMapper, _ line: String) -> CodexEvent? {
        guard case .notification(let method, let params) = AppServerMessage(line: line) else {
            Issue.record("not a notification: \(line)")
            return nil
        }
        return mapper.event(method: method, params: params)
    }

    private func params(_ json: String) -> JSONValue {
        JSONValue(parsing: json) ?? .null
    }
}
