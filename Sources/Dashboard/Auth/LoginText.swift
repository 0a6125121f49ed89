/// What the login page says. Nothing here names a project: it is shown to anyone.
enum LoginText {
    static let needLink =
        "Open the login link the companion printed when it started, or run `codex-companion dashboard` for a new one."
    static let refused =
        "This login link has already been used or has expired. Run `codex-companion dashboard` for a new one."
    static let loggedOut = "You have logged out. To log in again, run `codex-companion dashboard` for a new login link."
    static let failed = "The login could not be checked; the companion's log has the details. Try again."
}
