import CompanionCore
import Hummingbird

/// `GET /login?code=…`: a one-time code from a login link opens a session; `POST /logout` ends it.
extension DashboardApp {
    /// A valid code is used up, a session opens (its id in an HttpOnly, SameSite=Strict cookie; no
    /// `Secure`, the dashboard speaks plain http on loopback) and the browser goes to the overview. A
    /// used, expired or unknown code sets nothing and says so.
    func login(_ request: Request, context: DashboardContext) async -> Response {
        guard let code = request.uri.queryParameters["code"].map(String.init), !code.isEmpty else {
            if context.session != nil { return Responses.seeOther("/") }
            if request.uri.queryParameters["logged_out"] != nil { return Responses.html(pages.login(message: LoginText.loggedOut)) }
            return Responses.html(pages.login(message: LoginText.needLink), status: .unauthorized)
        }
        let redeemed: Bool
        do {
            redeemed = try await loginCodes.redeemLoginCode(hash: LoginLink.hash(code), at: clock.now())
        } catch {
            logger.error("checking a login code failed", metadata: ["error": "\(error)"])
            return Responses.html(pages.login(message: LoginText.failed), status: .internalServerError)
        }
        await auditTrail?.record(
            AuditEntry(
                time: clock.now(), requester: .dashboard, command: "login", project: nil, outcome: redeemed ? .ok : .unauthorised,
                duration: 0))
        guard redeemed else {
            logger.warning("a login with an unknown, used or expired code was refused")
            return Responses.html(pages.login(message: LoginText.refused), status: .unauthorized)
        }
        let (id, _) = await sessions.open(port: port.value)
        logger.info("a dashboard session was opened")
        return Responses.seeOther("/", headers: [.setCookie: SessionCookie(port: port.value).setting(id)])
    }

    /// `POST /logout` (the guard checked its origin and CSRF token): the session ends on the server, the
    /// browser forgets the cookie and lands on the login page.
    func logout(_ context: DashboardContext) async -> Response {
        if let session = context.session { await sessions.close(session) }
        await auditTrail?.record(
            AuditEntry(time: clock.now(), requester: .dashboard, command: "logout", project: nil, outcome: .ok, duration: 0))
        logger.info("a dashboard session was closed by a logout")
        return Responses.seeOther("/login?logged_out=1", headers: [.setCookie: SessionCookie(port: port.value).clearing])
    }
}
