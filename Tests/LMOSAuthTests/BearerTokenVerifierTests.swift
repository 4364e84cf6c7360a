import Foundation
import JWTKit
import LMOSAuth
import Testing

@Suite("Bearer JWTs: signatures, claims, keys")
struct BearerTokenVerifierTests {
    func verifier(_ mint: TokenMint, skew: Double = 60, refresh: Double = 0) -> BearerTokenVerifier {
        BearerTokenVerifier(
            keys: JWKSKeySource(location: .file(mint.jwksPath), minimumRefreshInterval: refresh),
            requirements: TokenRequirements(issuer: mint.issuer, audience: mint.audience, clockSkew: skew))
    }

    func reason(_ verifier: BearerTokenVerifier, _ token: String) async -> BearerError? {
        do {
            _ = try await verifier.verify(token)
            return nil
        } catch {
            return error
        }
    }

    @Test("ES256 and EdDSA tokens verify; subject, scopes and audience come through")
    func validTokens() async throws {
        let mint = try await TokenMint()
        let verifier = verifier(mint)
        let es = try await verifier.verify(try await mint.token())
        #expect(es.subject == "alice")
        #expect(es.scopes == ["lmos:read", "lmos:write"])
        #expect(es.audiences == [mint.audience])
        let ed = try await verifier.verify(try await mint.token(kid: "ed-1") { $0.sub = "bob"; $0.scope = "lmos:admin" })
        #expect(ed.subject == "bob")
        #expect(ed.has("lmos:write") && ed.has("lmos:read") && ed.has("lmos:admin"))
        let client = try await verifier.verify(try await mint.token { $0.sub = nil; $0.client_id = "robot" })
        #expect(client.subject == "robot" && client.clientID == "robot")
    }

    @Test("expiry and not-before are checked with the clock skew")
    func times() async throws {
        let mint = try await TokenMint()
        let verifier = verifier(mint, skew: 30)
        let now = Date().timeIntervalSince1970
        #expect(await reason(verifier, try await mint.token { $0.exp = now - 60 }) == .invalidToken("the token expired"))
        #expect(await reason(verifier, try await mint.token { $0.exp = now - 10 }) == nil)
        #expect(await reason(verifier, try await mint.token { $0.nbf = now + 120 }) == .invalidToken("the token is not valid yet"))
        #expect(await reason(verifier, try await mint.token { $0.nbf = now + 10 }) == nil)
        #expect(await reason(verifier, try await mint.token { $0.exp = nil }) == .invalidToken("the token has no exp"))
    }

    @Test("issuer and audience must match")
    func issuerAndAudience() async throws {
        let mint = try await TokenMint()
        let verifier = verifier(mint)
        let wrongIssuer = await reason(verifier, try await mint.token { $0.iss = "https://evil.test" })
        #expect(wrongIssuer == .invalidToken("the token was issued by https://evil.test, not https://issuer.test"))
        #expect(await reason(verifier, try await mint.token { $0.aud = ["other"] }) == .invalidToken("the token is not meant for lmos-test"))
        #expect(await reason(verifier, try await mint.token { $0.aud = nil }) == .invalidToken("the token is not meant for lmos-test"))
        #expect(await reason(verifier, try await mint.token { $0.aud = ["other", "lmos-test"] }) == nil)
    }

    @Test("forged, tampered, unsigned and mismatched tokens are refused")
    func forgeries() async throws {
        let mint = try await TokenMint()
        let verifier = verifier(mint)
        let good = try await mint.token()
        var parts = good.split(separator: ".").map(String.init)
        var signature = Array(parts[2])
        signature[10] = signature[10] == "A" ? "B" : "A"  // a middle character: every bit counts there
        parts[2] = String(signature)
        #expect(await reason(verifier, parts.joined(separator: ".")) == .invalidToken("the signature does not verify"))
        // The same claims signed by a key the JWKS does not hold, under a known kid.
        let stranger = JWTKeyCollection()
        await stranger.add(ecdsa: ES256PrivateKey(), kid: "ec-1")
        let forged = try await stranger.sign(
            TokenMint.Claims(iss: mint.issuer, sub: "mallory", aud: [mint.audience], exp: Date().timeIntervalSince1970 + 60),
            kid: "ec-1")
        #expect(await reason(verifier, forged) == .invalidToken("the signature does not verify"))
        // alg none, HS256 with the public key as secret: not accepted algorithms.
        let header = Data(#"{"alg":"none","kid":"ec-1"}"#.utf8).base64URL
        let payload = Data(#"{"iss":"https://issuer.test","sub":"x","aud":"lmos-test","exp":99999999999}"#.utf8).base64URL
        #expect(await reason(verifier, header + "." + payload + ".") == .invalidToken("algorithm none is not accepted (accepted: ES256, EdDSA, RS256)"))
        let hmac = JWTKeyCollection()
        await hmac.add(hmac: HMACKey(from: Array(mint.ecJWK.utf8)), digestAlgorithm: .sha256, kid: "ec-1")
        let hs = try await hmac.sign(TokenMint.Claims(iss: mint.issuer, sub: "x", aud: [mint.audience], exp: 99_999_999_999), kid: "ec-1")
        #expect(await reason(verifier, hs) == .invalidToken("algorithm HS256 is not accepted (accepted: ES256, EdDSA, RS256)"))
        // An EdDSA signature presented under the EC key's id.
        let edUnderEC = try await mint.token(kid: "ed-1").split(separator: ".").map(String.init)
        var retargeted = Data(#"{"alg":"EdDSA","kid":"ec-1","typ":"JWT"}"#.utf8).base64URL
        retargeted += "." + edUnderEC[1] + "." + edUnderEC[2]
        #expect(await reason(verifier, retargeted) == .invalidToken("algorithm EdDSA does not fit key ec-1"))
        // Garbage.
        for text in ["", "a.b", "a.b.c", "....", "eyJ.eyJ.x"] {
            #expect(await reason(verifier, text) == .invalidToken("not a JWS compact serialization"))
        }
    }

    @Test("an unknown kid reloads the key set once; a token without kid is tried with every fitting key")
    func keyRotation() async throws {
        let mint = try await TokenMint()
        try mint.writeJWKS(extra: [], includingEd: false)
        let verifier = verifier(mint, refresh: 0)
        #expect(await reason(verifier, try await mint.token()) == nil)
        let edToken = try await mint.token(kid: "ed-1")
        #expect(await reason(verifier, edToken) == .invalidToken("unknown key id ed-1"))
        try mint.writeJWKS(extra: [])  // the issuer publishes the rotated key
        #expect(await reason(verifier, edToken) == nil)
        // Without kid: the EdDSA key is the only one that fits.
        let plain = JWTKeyCollection()
        await plain.add(eddsa: mint.ed)
        let stripped = try await plain.sign(
            TokenMint.Claims(iss: mint.issuer, sub: "carol", aud: [mint.audience], exp: Date().timeIntervalSince1970 + 60))
        #expect(!String(decoding: Data(base64Encoded: String(stripped.split(separator: ".")[0]) + "==") ?? Data(), as: UTF8.self).contains("kid"))
        #expect(try await verifier.verify(stripped).subject == "carol")
    }

    @Test("a verified token is remembered for the cache lifetime only, and its expiry still counts")
    func cache() async throws {
        let mint = try await TokenMint()
        let clock = Clock(Date().timeIntervalSince1970)
        let keys = JWKSKeySource(location: .file(mint.jwksPath), minimumRefreshInterval: 0)
        let requirements = TokenRequirements(issuer: mint.issuer, audience: mint.audience, clockSkew: 0)
        let cached = BearerTokenVerifier(keys: keys, requirements: requirements, cacheLifetime: 30, now: { clock.value })
        let uncached = BearerTokenVerifier(keys: keys, requirements: requirements, cacheLifetime: 0, now: { clock.value })
        let start = clock.value
        let token = try await mint.token(kid: "ed-1") { $0.exp = start + 100 }
        #expect(try await cached.verify(token).subject == "alice")
        #expect(try await uncached.verify(token).subject == "alice")
        // The issuer withdraws the key (seen once a token with an unknown kid reloads the set): the remembered
        // signature still counts (for 30 s), a fresh check does not.
        try mint.writeJWKS(extra: [], includingEd: false)
        _ = await reason(uncached, try await mint.token(kid: "ghost"))
        #expect(await reason(cached, token) == nil)
        #expect(await reason(uncached, token) == .invalidToken("unknown key id ed-1"))
        clock.value = start + 31
        #expect(await reason(cached, token) == .invalidToken("unknown key id ed-1"))
        // Expiry is checked at every use, cached or not.
        try mint.writeJWKS(extra: [])
        let short = try await mint.token(kid: "ed-1") { $0.exp = start + 40 }
        #expect(await reason(cached, short) == nil)
        clock.value = start + 41
        #expect(await reason(cached, short) == .invalidToken("the token expired"))
    }

    @Test("refreshes on unknown kids are rate limited")
    func refreshLimit() async throws {
        let mint = try await TokenMint()
        try mint.writeJWKS(extra: [], includingEd: false)
        let verifier = verifier(mint, refresh: 3600)
        #expect(await reason(verifier, try await mint.token()) == nil)
        try mint.writeJWKS(extra: [])
        // Within the interval the cached set answers: the new key is not seen yet.
        #expect(await reason(verifier, try await mint.token(kid: "ed-1")) == .invalidToken("unknown key id ed-1"))
    }

    @Test("a JWKS keeps only public signature keys; one without any is refused")
    func keySets() async throws {
        let mint = try await TokenMint()
        try mint.writeJWKS(extra: [#"{"kty":"oct","kid":"secret","k":"c2VjcmV0"}"#, #"{"kty":"EC","crv":"P-256","kid":"enc","use":"enc","x":"a","y":"b"}"#])
        let verifier = verifier(mint)
        #expect(await reason(verifier, try await mint.token()) == nil)
        #expect(await reason(verifier, try await mint.token(kid: "secret")) == .invalidToken("unknown key id secret"))
        try Data(#"{"keys":[{"kty":"oct","kid":"s","k":"c2VjcmV0"}]}"#.utf8).write(to: URL(fileURLWithPath: mint.jwksPath))
        let empty = JWKSKeySource(location: .file(mint.jwksPath))
        await #expect(throws: BearerError.self) { try await empty.load() }
        let missing = JWKSKeySource(location: .file(mint.folder.appendingPathComponent("none.json").path))
        await #expect(throws: BearerError.keysUnavailable("cannot read the JWKS file \(mint.folder.appendingPathComponent("none.json").path)")) {
            try await missing.load()
        }
    }

    @Test("authorize: RFC 6750 errors for a missing, malformed or under-scoped token")
    func authorize() async throws {
        let mint = try await TokenMint()
        let verifier = verifier(mint)
        await #expect(throws: BearerError.missingToken) { try await verifier.authorize(header: nil, requiring: []) }
        await #expect(throws: BearerError.missingToken) { try await verifier.authorize(header: "Basic dXNlcjpwYXNz", requiring: []) }
        await #expect(throws: BearerError.invalidRequest("the Authorization header is not Bearer <token>")) {
            try await verifier.authorize(header: "Bearer a b", requiring: [])
        }
        let reader = try await mint.token { $0.scope = "lmos:read" }
        await #expect(throws: BearerError.insufficientScope(required: ["lmos:write"])) {
            try await verifier.authorize(header: "Bearer " + reader, requiring: ["lmos:read", "lmos:write"])
        }
        let access = try await verifier.authorize(header: "bearer " + reader, requiring: ["lmos:read"])
        #expect(access.subject == "alice")
    }

    @Test("WWW-Authenticate challenges as RFC 6750 shows them")
    func challenges() {
        #expect(BearerError.missingToken.challenge(realm: "lmos") == #"Bearer realm="lmos""#)
        #expect(
            BearerError.invalidToken("the token expired").challenge(realm: "lmos")
                == #"Bearer realm="lmos", error="invalid_token", error_description="the token expired""#)
        #expect(
            BearerError.insufficientScope(required: ["lmos:write"]).challenge(realm: "lmos")
                == #"Bearer realm="lmos", error="insufficient_scope", error_description="the operation needs scope lmos:write", scope="lmos:write""#)
        #expect(BearerError.invalidRequest("x\"y\\z é").challenge(realm: "r")?.contains(#"error_description="x?y?z ?""#) == true)
        #expect(BearerError.keysUnavailable("down").challenge(realm: "r") == nil)
        #expect(BearerError.missingToken.status == 401 && BearerError.insufficientScope(required: []).status == 403)
        #expect(BearerError.invalidRequest("").status == 400 && BearerError.keysUnavailable("").status == 503)
    }
}

/// A clock the test moves.
final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double

    init(_ start: Double) { current = start }

    var value: Double {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
