/// The origin of a URL (RFC 6454: scheme, host, port), as far as deciding where credentials may go needs it.
public struct URLOrigin: Sendable, Hashable, CustomStringConvertible {
    /// Lowercased scheme (`https`, `wss`, ...).
    public let scheme: String
    /// Lowercased host, without the brackets of an IPv6 literal.
    public let host: String
    /// The port, or the scheme's default (80, 443, 1883, 8883).
    public let port: Int

    /// Reads `scheme://[userinfo@]host[:port]...`; nil for anything else.
    public init?(_ url: String) {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) else { return nil }
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        let port: Int
        if let portText, !portText.isEmpty {
            guard let value = Int(portText), (0...65_535).contains(value) else { return nil }
            port = value
        } else {
            switch scheme {
            case "http", "ws": port = 80
            case "https", "wss": port = 443
            case "mqtt": port = 1883
            case "mqtts": port = 8883
            default: port = 0
            }
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    /// Whether the host is this machine's loopback (`localhost`, 127.0.0.0/8, `::1`).
    public var isLoopback: Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether the scheme encrypts (`https`, `wss`, `mqtts`).
    public var isSecure: Bool { scheme == "https" || scheme == "wss" || scheme == "mqtts" }

    /// Whether credentials (tokens, passwords, API keys, client secrets) may be sent here: over TLS, or in the clear
    /// to loopback only (RFC 6750 5.3, RFC 6749 2.3.1 ask for TLS).
    public var mayCarryCredentials: Bool { isSecure || isLoopback }

    /// The same origin regardless of `ws`/`http` and `wss`/`https` (a WebSocket endpoint belongs to its HTTP origin).
    public func sameSite(as other: URLOrigin) -> Bool {
        func family(_ scheme: String) -> String {
            switch scheme {
            case "ws": return "http"
            case "wss": return "https"
            default: return scheme
            }
        }
        return family(scheme) == family(other.scheme) && host == other.host && port == other.port
    }

    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)"
    }
}
