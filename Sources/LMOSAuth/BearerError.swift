/// Why a request's bearer token was not accepted, in RFC 6750's terms (section 3.1).
public enum BearerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request carries no token (401 without an error code).
    case missingToken
    /// The request is malformed: an Authorization header that is not `Bearer <token>`, or a token in two places
    /// (400, `invalid_request`).
    case invalidRequest(String)
    /// The token is malformed, expired, not yet valid, for another issuer or audience, or its signature does not
    /// verify (401, `invalid_token`).
    case invalidToken(String)
    /// The token is valid but lacks a scope the operation needs (403, `insufficient_scope`).
    case insufficientScope(required: [String])
    /// The keys to check tokens with could not be loaded (503): the resource server cannot decide.
    case keysUnavailable(String)

    public var description: String {
        switch self {
        case .missingToken: return "a bearer token is required"
        case .invalidRequest(let reason): return "invalid request: \(reason)"
        case .invalidToken(let reason): return "invalid token: \(reason)"
        case .insufficientScope(let required): return "the token lacks the scope \(required.joined(separator: " "))"
        case .keysUnavailable(let reason): return "the token keys are unavailable: \(reason)"
        }
    }

    /// The HTTP status RFC 6750 gives this error.
    public var status: Int {
        switch self {
        case .missingToken, .invalidToken: return 401
        case .invalidRequest: return 400
        case .insufficientScope: return 403
        case .keysUnavailable: return 503
        }
    }

    /// The `WWW-Authenticate` value for this error (RFC 6750 3), or nil when none belongs (503).
    public func challenge(realm: String) -> String? {
        var parameters: [(String, String)] = [("realm", realm)]
        switch self {
        case .missingToken: break
        case .invalidRequest(let reason):
            parameters += [("error", "invalid_request"), ("error_description", reason)]
        case .invalidToken(let reason):
            parameters += [("error", "invalid_token"), ("error_description", reason)]
        case .insufficientScope(let required):
            parameters += [
                ("error", "insufficient_scope"), ("error_description", "the operation needs scope \(required.joined(separator: " "))"),
                ("scope", required.joined(separator: " ")),
            ]
        case .keysUnavailable: return nil
        }
        return Challenge(scheme: "Bearer", parameters: parameters).headerValue
    }
}
