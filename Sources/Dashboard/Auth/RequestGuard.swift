import Foundation
import Hummingbird
import Logging

/// The checks every request passes before anything else runs (issue 12 §2):
/// 1. its Host is this dashboard's (421 otherwise: a DNS-rebinding page gets nothing);
/// 2. one of its session cookies (the name carries this dashboard's port; every value of that name is
///    tried, see `SessionCookie`) names a live session opened for this port (without one: the login page
///    or a 401, with no project, path, prompt or answer in it), except for `/login` itself;
/// 3. a state-changing request (anything but GET and HEAD) comes from this dashboard's own `Origin` and
///    carries the session's CSRF token: the `X-CSRF-Token` header for `/api/…`, the `csrf` field for forms.
/// It also catches what the handlers throw: a client sees a short message, the log gets the error.
struct RequestGuard: RouterMiddleware {
    typealias Context = DashboardContext

    static let csrfHeader = HeaderName("X-CSRF-Token")!

    let host: String
    let port: ListeningPort
    let sessions: SessionBook
    let pages: DashboardPages
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = await check(request, context: context, next: next)
        return Responses.hardened(response)
    }

    private func check(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async -> Response {
        let address = DashboardAddress(host: host, port: port.value)
        guard address.allowsHost(request.head.authority) else {
            logger.warning("refused a request for another host", metadata: ["host": "\(request.head.authority ?? "none")"])
            return Responses.text("This dashboard does not answer to that host name.", status: .misdirectedRequest)
        }
        var request = request
        var context = context
        for id in SessionCookie(port: address.port).values(in: request.headers) {
            guard let session = await sessions.session(id: id, port: address.port) else { continue }
            context.session = session
            break
        }
        let path = request.uri.path
        let reading = request.method == .get || request.method == .head
        if !(reading && path == "/login") {
            guard let session = context.session else { return unauthenticated(path) }
            if !reading {
                guard address.allowsOrigin(request.headers[.origin]) else {
                    logger.warning("refused a request from another origin", metadata: ["path": "\(path)"])
                    return Responses.text("Refused: this request did not come from the dashboard.", status: .forbidden)
                }
                let token: String?
                if Self.isAPI(path) {
                    token = request.headers[Self.csrfHeader]
                } else {
                    do {
                        context.form = FormFields(body: try await request.collectBody(upTo: context.maxUploadSize))
                    } catch {
                        return Responses.text("The form is too large.", status: .contentTooLarge)
                    }
                    token = context.form["csrf"]
                }
                guard let token, SecretToken.matches(token, session.csrf) else {
                    logger.warning("refused a request without the session's CSRF token", metadata: ["path": "\(path)"])
                    return Responses.text("Refused: the page is out of date; reload it and try again.", status: .forbidden)
                }
            }
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return Responses.text(error.body ?? error.status.reasonPhrase, status: error.status)
        } catch {
            logger.error("a dashboard request failed", metadata: ["path": "\(path)", "error": "\(error)"])
            return Responses.text("Something went wrong; the companion's log has the details.", status: .internalServerError)
        }
    }

    /// Without a session: a 401 with nothing in it but how to log in.
    private func unauthenticated(_ path: String) -> Response {
        if Self.isAPI(path) || path == "/events" {
            return Responses.jsonError("not logged in", status: .unauthorized)
        }
        return Responses.html(pages.login(message: LoginText.needLink), status: .unauthorized)
    }

    static func isAPI(_ path: String) -> Bool {
        path == "/api" || path.hasPrefix("/api/")
    }
}
