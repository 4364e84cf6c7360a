import Benchmark
import Crypto
import Foundation
import LMOSCore
import LMOSIdentity

/// The 5.5 KB agent description shared with the tests.
let fixtureURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/LMOSDescriptionTests/Fixtures/care-agent-5k.json")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 50,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    guard let data = try? Data(contentsOf: fixtureURL), let description = try? JSONValue(parsing: Array(data)),
        let key = try? Ed25519KeyPair(seed: Array(repeating: 7, count: 32)),
        let signed = try? EddsaJcs2022.sign(description, with: key, created: "2026-11-22T12:00:00Z")
    else {
        fatalError("benchmark setup failed: fixture missing at \(fixtureURL.path)")  // our own checkout is broken
    }
    let didDocument = key.didKey.document
    let resolver = StandardDIDResolver()

    Benchmark("Sign 5 KB agent description (eddsa-jcs-2022)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try EddsaJcs2022.sign(description, with: key, created: "2026-11-22T12:00:00Z"))
        }
    }
    Benchmark("Verify 5 KB agent description (DID document at hand)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try EddsaJcs2022.verify(signed, didDocument: didDocument)) }
    }
    Benchmark("Verify 5 KB agent description (did:key resolved)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await EddsaJcs2022.verify(signed, resolver: resolver)) }
    }

    // Baselines for the parts of a verification, measured in the same run.
    let message = [UInt8](repeating: 0xAB, count: 64)
    let raw = Curve25519.Signing.PrivateKey()
    let rawSignature = (try? raw.signature(for: message)) ?? Data()
    Benchmark("Baseline: Ed25519 verify of 64 bytes (swift-crypto)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(raw.publicKey.isValidSignature(rawSignature, for: message)) }
    }
    Benchmark("Baseline: Ed25519 sign of 64 bytes (swift-crypto)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try raw.signature(for: message)) }
    }
    let canonical = (try? description.canonicalJSON()) ?? []
    Benchmark("Baseline: SHA-256 of the 5 KB canonical description") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(SHA256.hash(data: canonical)) }
    }
    Benchmark("Baseline: JCS of the 5 KB description") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try description.canonicalJSON()) }
    }
}
