/// A bearer token that verified: who it speaks for and what it allows.
public struct AccessToken: Sendable, Hashable {
    /// `sub`, or `client_id` for a token without subject (a client acting for itself).
    public var subject: String?
    public var issuer: String?
    public var audiences: [String]
    public var scopes: Set<String>
    /// `client_id` (RFC 9068) or `azp`.
    public var clientID: String?
    /// `exp`, in seconds since 1970.
    public var expires: Double?

    public init(
        subject: String?, issuer: String? = nil, audiences: [String] = [], scopes: Set<String>, clientID: String? = nil,
        expires: Double? = nil
    ) {
        self.subject = subject
        self.issuer = issuer
        self.audiences = audiences
        self.scopes = scopes
        self.clientID = clientID
        self.expires = expires
    }

    /// Whether the token carries `scope`; `lmos:admin` implies `lmos:read` and `lmos:write`.
    public func has(_ scope: String) -> Bool {
        scopes.contains(scope) || (scopes.contains(Scope.admin) && (scope == Scope.read || scope == Scope.write))
    }
}
