import Foundation
import Hummingbird

/// The dashboard's responses: HTML pages, short texts, JSON, redirects. Every response also gets the
/// headers that keep it out of frames, caches and other sites' referrers, and the Content-Security-Policy;
/// none ever carries a CORS header.
enum Responses {
    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        body(page, status: status, contentType: "text/html; charset=utf-8")
    }

    /// A short message a person may read (errors, refusals): never a raw error.
    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        body(text + "\n", status: status, contentType: "text/plain; charset=utf-8")
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error": "…"}`.
    static func jsonError(_ message: String, status: HTTPResponse.Status) -> Response {
        json(["error": message], status: status)
    }

    /// 303: after a form post or a login, the browser loads `location` with a GET.
    static func seeOther(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }

    static func body(_ text: String, status: HTTPResponse.Status, contentType: String) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Adds the headers every response carries.
    static func hardened(_ response: Response) -> Response {
        var response = response
        for (name, value) in securityHeaders where response.headers[name] == nil {
            response.headers[name] = value
        }
        return response
    }

    private static let securityHeaders: [(HeaderName, String)] = [
        (.cacheControl, "no-store"),
        (HeaderName("X-Content-Type-Options")!, "nosniff"),
        (HeaderName("X-Frame-Options")!, "DENY"),
        (HeaderName("Content-Security-Policy")!, ContentSecurityPolicy.header),
        (HeaderName("Referrer-Policy")!, "same-origin"),
    ]

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}

/// A header's name (HTTPTypes' `HTTPField.Name`, which Hummingbird does not export by that name).
typealias HeaderName = HTTPFields.Element.Name
