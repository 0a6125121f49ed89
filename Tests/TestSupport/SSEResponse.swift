import Foundation
import Hummingbird
import NIOCore

/// Builds the Server-Sent Events stream the Responses API sends for one scripted step.
enum SSEResponse {
    /// `pause` sleeps between the pieces of a streamed message (the fake ends it early when it stops).
    static func make(
        _ step: FakeResponsesServer.Step, responseNumber: Int, pause: @escaping @Sendable (Duration) async -> Void = { _ in }
    ) -> Response {
        let id = "resp_\(responseNumber)"
        var events: [(String, [String: Any])] = [("response.created", ["response": ["id": id]])]
        let item: [String: Any]
        switch step {
        case .httpError(let status):
            let body = #"{"error":{"message":"scripted failure","type":"server_error","code":"server_error"}}"#
            return Response(
                status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        case .failed(let message):
            events.append(("response.failed", ["response": ["id": id, "error": ["code": "server_error", "message": message]]]))
            return stream(events)
        case .message(let text), .slowMessage(let text, _), .heldMessage(let text, _):
            item = [
                "type": "message", "id": "msg_\(responseNumber)", "role": "assistant",
                "content": [["type": "output_text", "text": text, "annotations": [] as [Any]]],
            ]
            events.append(("response.output_text.delta", ["item_id": "msg_\(responseNumber)", "output_index": 0, "delta": text]))
        case .streamedMessage(let parts, let delay):
            return streamedMessage(parts, delay: delay, responseNumber: responseNumber, pause: pause)
        case .shell(let command):
            item = [
                "type": "function_call", "id": "fc_\(responseNumber)", "call_id": "call_\(responseNumber)",
                "name": "exec_command", "arguments": json(["cmd": command]),
            ]
        case .shellYielding(let command, let yield):
            let milliseconds = Int(yield / .milliseconds(1))
            item = [
                "type": "function_call", "id": "fc_\(responseNumber)", "call_id": "call_\(responseNumber)",
                "name": "exec_command", "arguments": json(["cmd": command, "yield_time_ms": milliseconds] as [String: Any]),
            ]
        case .escalatedShell(let command, let justification):
            // The arguments Codex's own prompt tells the model to use to ask for a command outside the sandbox.
            let arguments = ["cmd": command, "sandbox_permissions": "require_escalated", "justification": justification]
            item = [
                "type": "function_call", "id": "fc_\(responseNumber)", "call_id": "call_\(responseNumber)",
                "name": "exec_command", "arguments": json(arguments),
            ]
        case .waitForCommand(let sessionID):
            item = [
                "type": "function_call", "id": "fc_\(responseNumber)", "call_id": "call_\(responseNumber)",
                "name": "write_stdin", "arguments": json(["session_id": sessionID, "chars": "", "yield_time_ms": 30_000] as [String: Any]),
            ]
        case .patch(let patch):
            item = [
                "type": "custom_tool_call", "id": "ctc_\(responseNumber)", "call_id": "call_\(responseNumber)",
                "name": "apply_patch", "input": patch,
            ]
        case .plan(let steps):
            let plan = steps.map { ["step": $0.step, "status": $0.status] }
            item = [
                "type": "function_call", "id": "fc_\(responseNumber)", "call_id": "call_\(responseNumber)",
                "name": "update_plan", "arguments": json(["plan": plan]),
            ]
        }
        events.insert(("response.output_item.added", ["output_index": 0, "item": item]), at: 1)
        events.append(("response.output_item.done", ["output_index": 0, "item": item]))
        events.append(completed(id))
        return stream(events)
    }

    /// A message whose text arrives as one delta per part, with a pause before each part after the first:
    /// the body is written as the pauses pass, so Codex sees the deltas over time.
    private static func streamedMessage(
        _ parts: [String], delay: Duration, responseNumber: Int, pause: @escaping @Sendable (Duration) async -> Void
    ) -> Response {
        let id = "resp_\(responseNumber)"
        let messageID = "msg_\(responseNumber)"
        let message: ([[String: Any]]) -> [String: Any] = { content in
            ["type": "message", "id": messageID, "role": "assistant", "content": content]
        }
        let head = frames([
            ("response.created", ["response": ["id": id]]),
            ("response.output_item.added", ["output_index": 0, "item": message([])]),
        ])
        let deltas = parts.map {
            frames([("response.output_text.delta", ["item_id": messageID, "output_index": 0, "content_index": 0, "delta": $0])])
        }
        let text = parts.joined()
        let tail = frames([
            (
                "response.output_item.done",
                ["output_index": 0, "item": message([["type": "output_text", "text": text, "annotations": [] as [Any]]])]
            ),
            completed(id),
        ])
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: head))
            for (index, delta) in deltas.enumerated() {
                if index > 0 { await pause(delay) }
                try await writer.write(ByteBuffer(string: delta))
            }
            try await writer.write(ByteBuffer(string: tail))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: body)
    }

    private static func completed(_ id: String) -> (String, [String: Any]) {
        (
            "response.completed",
            [
                "response": [
                    "id": id,
                    "usage": [
                        "input_tokens": 100, "input_tokens_details": ["cached_tokens": 20],
                        "output_tokens": 10, "output_tokens_details": ["reasoning_tokens": 0], "total_tokens": 110,
                    ],
                ]
            ]
        )
    }

    private static func stream(_ events: [(String, [String: Any])]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: frames(events))))
    }

    /// Server-Sent Events frames: `event: <type>` and `data: <json with the type>`, a blank line after each.
    private static func frames(_ events: [(String, [String: Any])]) -> String {
        var text = ""
        for (type, payload) in events {
            var data = payload
            data["type"] = type
            text += "event: \(type)\ndata: \(json(data))\n\n"
        }
        return text
    }

    private static func json(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }
}
