/// Where the dashboard listens, and the names a browser may use for it: the Host header of every
/// request and the Origin of every state-changing one must be one of them (DNS rebinding, cross-site
/// requests). `localhost` always counts; so does 127.0.0.1 when the dashboard listens on a loopback or
/// wildcard address.
struct DashboardAddress: Sendable, Equatable {
    var host: String
    var port: Int

    /// `host:port` values a Host header may carry (lowercase).
    var authorities: Set<String> {
        var names: Set<String> = [Self.authorityHost(host.lowercased()), "localhost"]
        if Self.isLoopback(host) || Self.isWildcard(host) { names.insert("127.0.0.1") }
        if host == "::1" { names.insert("[::1]") }
        return Set(names.map { "\($0):\(port)" })
    }

    /// The origins a state-changing request may come from.
    var origins: Set<String> {
        Set(authorities.map { "http://\($0)" })
    }

    func allowsHost(_ authority: String?) -> Bool {
        guard let authority else { return false }
        return authorities.contains(authority.lowercased())
    }

    func allowsOrigin(_ origin: String?) -> Bool {
        guard let origin else { return false }
        return origins.contains(origin.lowercased())
    }

    /// Reachable only from this machine.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Every interface of the machine.
    static func isWildcard(_ host: String) -> Bool {
        host == "0.0.0.0" || host == "::"
    }

    /// The host as a link names it.
    static func urlHost(_ host: String) -> String {
        isWildcard(host) ? "127.0.0.1" : authorityHost(host)
    }

    /// IPv6 addresses go in brackets before a port.
    private static func authorityHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
