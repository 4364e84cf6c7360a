import Benchmark
import Foundation
import LMOSCore
import LMOSDescription

/// The 5.5 KB agent description shared with the tests.
let fixtureURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/LMOSDescriptionTests/Fixtures/care-agent-5k.json")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 100,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 200_000
    )

    guard let data = try? Data(contentsOf: fixtureURL), let value = try? JSONValue(parsing: Array(data)) else {
        fatalError("benchmark fixture missing at \(fixtureURL.path)")  // a setup error in our own checkout
    }
    let bytes = Array(data)
    let cbor = value.cborBytes()
    let foundationObject = try? JSONSerialization.jsonObject(with: data)

    // JSON parse: ours against Foundation's JSONSerialization, same bytes.
    Benchmark("JSON parse 5 KB: swift-lmos JSONValue") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try JSONValue(parsing: bytes)) }
    }
    Benchmark("JSON parse 5 KB: Foundation JSONSerialization") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try JSONSerialization.jsonObject(with: data)) }
    }

    // JSON encode.
    Benchmark("JSON encode 5 KB: swift-lmos JSONValue") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(value.jsonBytes()) }
    }
    Benchmark("JSON encode 5 KB: Foundation JSONSerialization") { benchmark in
        guard let foundationObject else { return }
        for _ in benchmark.scaledIterations { blackHole(try JSONSerialization.data(withJSONObject: foundationObject)) }
    }

    // CBOR, deterministic encoding.
    Benchmark("CBOR decode 5 KB: swift-lmos") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try JSONValue(cbor: cbor)) }
    }
    Benchmark("CBOR encode 5 KB: swift-lmos (deterministic)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(value.cborBytes()) }
    }

    // What a directory does on every write: parse, then validate against TD 1.1 + LMOS.
    Benchmark("Parse + validate 5 KB agent description") { benchmark in
        for _ in benchmark.scaledIterations {
            let thing = try ThingDescription(bytes: bytes)
            blackHole(thing.validate())
        }
    }
    Benchmark("Validate 5 KB agent description (already parsed)") { benchmark in
        let thing = try ThingDescription(value)
        for _ in benchmark.scaledIterations { blackHole(thing.validate()) }
    }

    // JCS, the input of every signature.
    Benchmark("JCS canonicalize 5 KB") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try value.canonicalJSON()) }
    }
}
