import CompanionCore
import Hummingbird

/// `GET /login?code=…`: a one-time code from a login link opens a session.
extension DashboardApp {
    /// A valid code is used up, a session opens (its id in an HttpOnly, SameSite=Strict cookie; no
    /// `Secure`, the dashboard speaks plain http on loopback) and the browser goes to the overview. A
    /// used, expired or unknown code sets nothing and says so.
    func login(_ request: Request, context: DashboardContext) async -> Response {
        guard let code = request.uri.queryParameters["code"].map(String.init), !code.isEmpty else {
            if context.session != nil { return Responses.seeOther("/") }
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
        let (id, _) = await sessions.open()
        logger.info("a dashboard session was opened")
        return Responses.seeOther(
            "/", headers: [.setCookie: "\(RequestGuard.cookieName)=\(id); HttpOnly; SameSite=Strict; Path=/"])
    }
}
