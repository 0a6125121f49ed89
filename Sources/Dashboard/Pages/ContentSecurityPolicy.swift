/// The Content-Security-Policy every dashboard response carries: nothing loads or runs unless named here.
/// The pages' only script and stylesheet are the layout's inline blocks, allowed by their SHA-256 (worked out
/// once, from the very constants the layout puts in every page), so a `<script>`, a `style` attribute or an
/// event handler that found its way into a page would not run even if escaping ever failed. Images come
/// from the dashboard or `data:` URLs; the page's requests (`fetch`, `/events`) and its forms go to the
/// dashboard only; no page may be framed or change its base URL.
enum ContentSecurityPolicy {
    static let header: String = [
        "default-src 'none'",
        "script-src \(source(of: PageLayout.script))",
        "style-src \(source(of: PageLayout.stylesheet))",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ].joined(separator: "; ")

    /// The hash source that allows one inline block with exactly this text.
    static func source(of block: String) -> String {
        "'sha256-\(Digests.sha256Base64(block))'"
    }
}
