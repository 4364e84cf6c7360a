/// The credentials of an `Authorization` header (RFC 9110 11.6.2) that LMOS uses.
public enum AuthorizationHeader: Sendable, Hashable {
    /// `Bearer <token>` (RFC 6750 2.1).
    case bearer(String)
    /// `Basic <base64(user:password)>` (RFC 7617).
    case basic(user: String, password: String)
    /// Another scheme, kept as given.
    case other(scheme: String, value: String)

    /// Reads a header value; nil when it is not even `scheme credentials`.
    public init?(_ value: String) {
        let trimmed = value.drop(while: { $0 == " " })
        guard let space = trimmed.firstIndex(of: " ") else { return nil }
        let scheme = trimmed[..<space]
        let rest = String(trimmed[space...].drop(while: { $0 == " " })).trimmingTrailingSpaces()
        guard !rest.isEmpty else { return nil }
        switch scheme.lowercased() {
        case "bearer":
            // RFC 6750 b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/", then "=" padding.
            let allowed = rest.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                    || [0x2D, 0x2E, 0x5F, 0x7E, 0x2B, 0x2F, 0x3D].contains(byte)
            }
            guard allowed else { return nil }
            self = .bearer(rest)
        case "basic":
            guard let decoded = Base64.decode(rest), let text = String(validating: decoded, as: UTF8.self),
                let colon = text.firstIndex(of: ":")
            else { return nil }
            self = .basic(user: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
        default:
            self = .other(scheme: String(scheme), value: rest)
        }
    }

    /// The header value.
    public var headerValue: String {
        switch self {
        case .bearer(let token): return "Bearer " + token
        case .basic(let user, let password): return "Basic " + Base64.encode(Array("\(user):\(password)".utf8))
        case .other(let scheme, let value): return scheme + " " + value
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
