import Foundation
import JWTKit
import LMOSTestSupport

/// Signs test tokens with jwt-kit (ES256 and EdDSA keys) and writes their public JWKS to a file.
struct TokenMint {
    struct Claims: JWTPayload {
        var iss: String?
        var sub: String?
        var aud: [String]?
        var exp: Double?
        var nbf: Double?
        var iat: Double?
        var scope: String?
        var client_id: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    let ec: ES256PrivateKey
    let ed: EdDSA.PrivateKey
    let signers = JWTKeyCollection()
    let folder: URL
    let jwksPath: String
    let issuer = "https://issuer.test"
    let audience = "lmos-test"

    init() async throws {
        ec = ES256PrivateKey()
        ed = try EdDSA.PrivateKey(curve: .ed25519)
        await signers.add(ecdsa: ec, kid: "ec-1")
        await signers.add(eddsa: ed, kid: "ed-1")
        folder = try Subprocess.temporaryDirectory(prefix: "lmos-auth")
        jwksPath = folder.appendingPathComponent("jwks.json").path
        try writeJWKS(extra: [])
    }

    var ecJWK: String {
        let parameters = ec.publicKey.parameters
        return #"{"kty":"EC","crv":"P-256","kid":"ec-1","alg":"ES256","use":"sig","x":"\#(parameters?.x ?? "")","y":"\#(parameters?.y ?? "")"}"#
    }

    var edJWK: String {
        let x = ed.publicKey.rawRepresentation.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return #"{"kty":"OKP","crv":"Ed25519","kid":"ed-1","x":"\#(x)"}"#
    }

    func writeJWKS(extra: [String], includingEd: Bool = true) throws {
        let keys = [ecJWK] + (includingEd ? [edJWK] : []) + extra
        try Data(#"{"keys":[\#(keys.joined(separator: ","))]}"#.utf8).write(to: URL(fileURLWithPath: jwksPath))
    }

    /// A token with sensible defaults (valid for 5 minutes, for ``audience`` from ``issuer``), changed by `change`.
    func token(kid: String = "ec-1", header: JWTHeader? = nil, _ change: (inout Claims) -> Void = { _ in }) async throws -> String {
        let now = Date().timeIntervalSince1970
        var claims = Claims(
            iss: issuer, sub: "alice", aud: [audience], exp: now + 300, nbf: now - 1, iat: now, scope: "lmos:read lmos:write")
        change(&claims)
        var header = header ?? JWTHeader()
        header.kid = kid
        return try await signers.sign(claims, kid: JWKIdentifier(string: kid), header: header)
    }
}
