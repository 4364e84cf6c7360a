import Foundation
import JWTKit
import LMOSCore
import Synchronization

/// Checks bearer JWTs (RFC 7519, RFC 9068) for a resource server: the signature with the key the token's `kid`
/// names in a ``JWKSKeySource`` (RS256, ES256, EdDSA; the algorithm must fit the key's type and the key's own
/// `alg`), then `exp`, `nbf`, `iss` and `aud` against ``TokenRequirements``.
///
/// Clients send the same token with many requests: a token whose signature verified is remembered (by its whole
/// text) for at most `cacheLifetime` seconds, and its times, issuer and audience are checked again at each use, so
/// a cached token still expires on time; only the signature check is saved. A key removed from the JWKS stops
/// the tokens it signed at most `cacheLifetime` after the key set is reloaded (``JWKSKeySource``).
public struct BearerTokenVerifier: Sendable {
    public let keys: JWKSKeySource
    public let requirements: TokenRequirements
    let now: @Sendable () -> Double
    let cache: VerifiedTokenCache?

    /// - Parameter cacheLifetime: seconds a verified signature is remembered (0: never).
    public init(
        keys: JWKSKeySource, requirements: TokenRequirements, cacheLifetime: Double = 60,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.keys = keys
        self.requirements = requirements
        self.now = now
        cache = cacheLifetime > 0 ? VerifiedTokenCache(lifetime: cacheLifetime) : nil
    }

    /// The verified token, or the RFC 6750 error to answer with.
    public func verify(_ token: String) async throws(BearerError) -> AccessToken {
        if let claims = cache?.claims(for: token, now: now()) { return try check(claims) }
        let claims = try await verifySignature(token)
        cache?.remember(token, claims, now: now())
        return try check(claims)
    }

    /// The claims of `token` once its signature verified with the key its header names.
    func verifySignature(_ token: String) async throws(BearerError) -> TokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64.decode(String(parts[0])),
            case .object(let header)? = try? JSONValue(parsing: headerBytes)
        else { throw .invalidToken("not a JWS compact serialization") }
        guard let algorithm = header["alg"]?.stringValue else { throw .invalidToken("the header has no alg") }
        guard requirements.algorithms.contains(algorithm) else {
            throw .invalidToken("algorithm \(algorithm) is not accepted (accepted: \(requirements.algorithms.sorted().joined(separator: ", ")))")
        }
        if header["crit"] != nil { throw .invalidToken("critical header parameters are not supported") }
        let kid: String?
        switch header["kid"] {
        case nil: kid = nil
        case .string(let value)?: kid = value
        case _?: throw .invalidToken("kid must be a string")
        }
        let loaded = try await keys.keys(for: kid)
        let candidates: [JWKSKeySource.KeyInfo]
        if let kid {
            guard let key = loaded.keys[kid] else { throw .invalidToken("unknown key id \(kid)") }
            candidates = [key]
        } else {
            candidates = loaded.keys.values.filter { Self.fits(algorithm, $0) }.sorted { $0.kid < $1.kid }
        }
        var claims: TokenClaims?
        for key in candidates where Self.fits(algorithm, key) {
            if let verified = try? await key.collection.verify(token, as: TokenClaims.self) {
                claims = verified
                break
            }
        }
        guard let claims else {
            if let key = candidates.first, candidates.count == 1, !Self.fits(algorithm, key) {
                throw .invalidToken("algorithm \(algorithm) does not fit key \(key.kid)")
            }
            throw .invalidToken("the signature does not verify")
        }
        return claims
    }

    /// Whether a token signed with `algorithm` may be checked with `key`.
    static func fits(_ algorithm: String, _ key: JWKSKeySource.KeyInfo) -> Bool {
        if let declared = key.algorithm, declared != algorithm { return false }
        switch algorithm {
        case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512": return key.keyType == "RSA"
        case "ES256": return key.keyType == "EC" && key.curve == "P-256"
        case "ES384": return key.keyType == "EC" && key.curve == "P-384"
        case "ES512": return key.keyType == "EC" && key.curve == "P-521"
        case "EdDSA": return key.keyType == "OKP" && key.curve == "Ed25519"
        default: return false
        }
    }

    func check(_ claims: TokenClaims) throws(BearerError) -> AccessToken {
        let time = now()
        if let exp = claims.exp {
            guard time < exp + requirements.clockSkew else { throw .invalidToken("the token expired") }
        } else if requirements.requiresExpiry {
            throw .invalidToken("the token has no exp")
        }
        if let nbf = claims.nbf, time + requirements.clockSkew < nbf {
            throw .invalidToken("the token is not valid yet")
        }
        if let issuer = requirements.issuer, claims.iss != issuer {
            throw .invalidToken("the token was issued by \(claims.iss ?? "nobody named"), not \(issuer)")
        }
        let audiences = claims.aud?.values ?? []
        if let audience = requirements.audience, !audiences.contains(audience) {
            throw .invalidToken("the token is not meant for \(audience)")
        }
        let clientID = claims.client_id ?? claims.azp
        return AccessToken(
            subject: claims.sub ?? clientID, issuer: claims.iss, audiences: audiences, scopes: claims.scopes,
            clientID: clientID, expires: claims.exp)
    }

    /// Verifies the token of an `Authorization` header value (nil: none sent) and checks it has every scope of
    /// `required`.
    public func authorize(header: String?, requiring required: [String]) async throws(BearerError) -> AccessToken {
        guard let header else { throw .missingToken }
        guard case .bearer(let token)? = AuthorizationHeader(header) else {
            if case .other(let scheme, _)? = AuthorizationHeader(header), scheme.lowercased() != "bearer" { throw .missingToken }
            if case .basic? = AuthorizationHeader(header) { throw .missingToken }
            throw .invalidRequest("the Authorization header is not Bearer <token>")
        }
        let access = try await verify(token)
        let missing = required.filter { !access.has($0) }
        if !missing.isEmpty { throw .insufficientScope(required: missing) }
        return access
    }
}

/// Tokens whose signature verified, by their whole text, each for a limited time; at most `capacity` of them (when
/// full, the oldest half is forgotten).
final class VerifiedTokenCache: Sendable {
    struct Entry {
        var claims: TokenClaims
        var until: Double
    }

    let lifetime: Double
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: Double, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func claims(for token: String, now: Double) -> TokenClaims? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.until > now else {
                entries[token] = nil
                return nil
            }
            return entry.claims
        }
    }

    func remember(_ token: String, _ claims: TokenClaims, now: Double) {
        // Never beyond the token's own expiry (plus nothing: an expired token is refused by the claim check anyway).
        let until = min(now + lifetime, claims.exp ?? (now + lifetime))
        guard until > now, token.utf8.count <= 16_384 else { return }
        entries.withLock { entries in
            if entries.count >= capacity {
                let oldest = entries.sorted { $0.value.until < $1.value.until }.prefix(capacity / 2).map(\.key)
                for key in oldest { entries[key] = nil }
            }
            entries[token] = Entry(claims: claims, until: until)
        }
    }
}
