/// The parts of an http(s) URL that DNS-SD advertises: scheme, port, path.
public struct ServiceURL: Sendable, Hashable {
    /// `http` or `https`.
    public let scheme: String
    /// The port (80 or 443 when the URL names none).
    public let port: UInt16
    /// The path (`/.well-known/wot` when the URL has none).
    public let path: String
    /// `scheme://authority`, without the path.
    public let origin: String

    /// `nil` unless `url` is an absolute http(s) URL with a host and a valid port.
    public init?(_ url: String) {
        let lower = url.lowercased()
        guard let schemeEnd = lower.firstRange(of: "://") else { return nil }
        let scheme = String(lower[..<schemeEnd.lowerBound])
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty else { return nil }
        var port: UInt16 = scheme == "https" ? 443 : 80
        // The port follows the last colon, unless that colon is inside an IPv6 literal.
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let value = UInt16(authority[authority.index(after: colon)...]), value > 0 else { return nil }
            port = value
        }
        var path = String(rest[authorityEnd...])
        if path.isEmpty || path == "/" { path = "/.well-known/wot" }
        guard path.utf8.count + 3 <= 255 else { return nil }
        self.scheme = scheme
        self.port = port
        self.path = path
        self.origin = "\(scheme)://\(authority)"
    }
}
