/// What a resource server demands of a bearer JWT beyond a good signature.
public struct TokenRequirements: Sendable, Hashable {
    /// The `iss` every token must carry; nil accepts any issuer whose keys are in the key set.
    public var issuer: String?
    /// A value that `aud` must contain; nil accepts any audience.
    public var audience: String?
    /// Seconds of clock difference tolerated for `exp` and `nbf`.
    public var clockSkew: Double
    /// The signature algorithms accepted (`alg`).
    public var algorithms: Set<String>
    /// Whether a token must have `exp` (RFC 9068 requires it).
    public var requiresExpiry: Bool

    /// The algorithms PROTOCOL.md 7 names.
    public static let defaultAlgorithms: Set<String> = ["RS256", "ES256", "EdDSA"]

    public init(
        issuer: String? = nil, audience: String? = nil, clockSkew: Double = 60,
        algorithms: Set<String> = TokenRequirements.defaultAlgorithms, requiresExpiry: Bool = true
    ) {
        self.issuer = issuer
        self.audience = audience
        self.clockSkew = clockSkew
        self.algorithms = algorithms
        self.requiresExpiry = requiresExpiry
    }
}
