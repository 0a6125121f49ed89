import Foundation
import Hummingbird
import NIOCore

/// Builds the Server-Sent Events stream the Responses API sends for one scripted step.
enum SSEResponse {
    static func make(_ step: FakeResponsesServer.Step, responseNumber: Int) -> Response {
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
        case .message(let text), .slowMessage(let text, _):
            item = [
                "type": "message", "id": "msg_\(responseNumber)", "role": "assistant",
                "content": [["type": "output_text", "text": text, "annotations": [] as [Any]]],
            ]
            events.append(("response.output_text.delta", ["item_id": "msg_\(responseNumber)", "output_index": 0, "delta": text]))
        case .shell(let command):
            item = [
                "type": "function_call", "id": "fc_\(responseNumber)", "call_id": "call_\(responseNumber)",
                "name": "exec_command", "arguments": json(["cmd": command]),
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
        events.append(
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
            ))
        return stream(events)
    }

    private static func stream(_ events: [(String, [String: Any])]) -> Response {
        var text = ""
        for (type, payload) in events {
            var data = payload
            data["type"] = type
            text += "event: \(type)\ndata: \(json(data))\n\n"
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private static func json(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }
}
