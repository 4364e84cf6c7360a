/// Where a resource server finds the keys that sign its tokens: a JWKS document (RFC 7517 5) in a file or at a URL.
public enum JWKSLocation: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case url(String)

    /// `http://` or `https://` names a URL; anything else a file.
    public init(_ text: String) {
        let lower = text.lowercased()
        self = lower.hasPrefix("https://") || lower.hasPrefix("http://") ? .url(text) : .file(text)
    }

    public var description: String {
        switch self {
        case .file(let path): return path
        case .url(let url): return url
        }
    }
}
