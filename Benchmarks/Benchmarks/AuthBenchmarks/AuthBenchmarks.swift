import Benchmark
import Crypto
import Foundation
import JWTKit
import LMOSAuth
import _CryptoExtras

/// Claims like an access token's.
struct Claims: JWTPayload {
    var iss: String
    var sub: String
    var aud: String
    var exp: Double
    var scope: String

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// Keys, tokens and a JWKS file for the three algorithms; jwt-kit collections as the baseline.
struct Setup: Sendable {
    let tokens: [String: String]
    let baselines: [String: JWTKeyCollection]
    let jwksPath: String

    static func make() async throws -> Setup {
        let ec = ES256PrivateKey()
        let ed = try EdDSA.PrivateKey(curve: .ed25519)
        let rsa = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let (modulus, exponent) = try rsa.publicKey.getKeyPrimitives()
        let jwks = """
            {"keys":[
            {"kty":"EC","crv":"P-256","kid":"ec","alg":"ES256","x":"\(ec.publicKey.parameters?.x ?? "")","y":"\(ec.publicKey.parameters?.y ?? "")"},
            {"kty":"OKP","crv":"Ed25519","kid":"ed","alg":"EdDSA","x":"\(base64URL(ed.publicKey.rawRepresentation))"},
            {"kty":"RSA","kid":"rs","alg":"RS256","n":"\(base64URL(modulus))","e":"\(base64URL(exponent))"}]}
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lmos-auth-bench-\(getpid()).json").path
        try Data(jwks.utf8).write(to: URL(fileURLWithPath: path))
        let claims = Claims(iss: "https://issuer.bench", sub: "bench", aud: "lmos", exp: Date().timeIntervalSince1970 + 86_400, scope: "lmos:read")
        var tokens: [String: String] = [:]
        var baselines: [String: JWTKeyCollection] = [:]
        for (alg, kid) in [("ES256", "ec"), ("EdDSA", "ed"), ("RS256", "rs")] {
            let keys = JWTKeyCollection()
            switch alg {
            case "ES256": await keys.add(ecdsa: ec, kid: JWKIdentifier(string: kid))
            case "EdDSA": await keys.add(eddsa: ed, kid: JWKIdentifier(string: kid))
            default: await keys.add(rsa: rsa, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            }
            tokens[alg] = try await keys.sign(claims, kid: JWKIdentifier(string: kid))
            baselines[alg] = keys
        }
        return Setup(tokens: tokens, baselines: baselines, jwksPath: path)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal], warmupIterations: 50, scalingFactor: .one,
        maxDuration: .seconds(3), maxIterations: 100_000)

    let box = SetupBox()
    let requirements = TokenRequirements(issuer: "https://issuer.bench", audience: "lmos")
    for alg in ["ES256", "EdDSA", "RS256"] {
        Benchmark("jwt-kit verify \(alg) (baseline)") { benchmark in
            let setup = try await box.setup()
            let keys = setup.baselines[alg]!, token = setup.tokens[alg]!
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try await keys.verify(token, as: Claims.self)) }
        }
        Benchmark("LMOSAuth verify \(alg), first sight (signature checked)") { benchmark in
            let setup = try await box.setup()
            let verifier = BearerTokenVerifier(
                keys: JWKSKeySource(location: .file(setup.jwksPath)), requirements: requirements, cacheLifetime: 0)
            let token = setup.tokens[alg]!
            _ = try await verifier.verify(token)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try await verifier.verify(token)) }
        }
    }
    Benchmark("LMOSAuth verify ES256, seen before (cached signature)") { benchmark in
        let setup = try await box.setup()
        let verifier = BearerTokenVerifier(keys: JWKSKeySource(location: .file(setup.jwksPath)), requirements: requirements)
        let token = setup.tokens["ES256"]!
        _ = try await verifier.verify(token)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try await verifier.verify(token)) }
    }
}

/// Makes the keys once for all benchmarks.
actor SetupBox {
    private var made: Setup?

    func setup() async throws -> Setup {
        if let made { return made }
        let setup = try await Setup.make()
        made = setup
        return setup
    }
}
