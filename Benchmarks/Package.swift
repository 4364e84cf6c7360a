// swift-tools-version: 6.1
// Benchmarks for swift-lmos (ordo-one/benchmark). A separate package so that normal builds and CI never compile it:
//   cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "swift-lmos-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-lmos", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LMOSCore", package: "swift-lmos"),
                .product(name: "LMOSDescription", package: "swift-lmos"),
            ],
            path: "Benchmarks/CoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "IdentityBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LMOSCore", package: "swift-lmos"),
                .product(name: "LMOSIdentity", package: "swift-lmos"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/IdentityBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Bearer JWT verification (LMOSAuth) next to jwt-kit's own verify and the bare signature check, per algorithm.
        .executableTarget(
            name: "AuthBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LMOSAuth", package: "swift-lmos"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Benchmarks/AuthBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The baseline of the directory load harness (Load/directory-load.sh): bare Hummingbird routes that do
        // no directory work, so each figure can be given next to what the framework alone does on this machine.
        // The Swift side of LocalDiscovery/mdns-bench.sh (mDNS advertise / goodbye / bulk resolution times).
        .executableTarget(
            name: "MDNSBench",
            dependencies: [.product(name: "LMOSLocalDiscovery", package: "swift-lmos")],
            path: "Benchmarks/MDNSBench"
        ),
        .executableTarget(
            name: "BareHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/BareHummingbird"
        ),
        // Agent/ws-bench.sh: the WebSocket (`lmosprotocol`) binding of an AgentServer next to a raw SwiftNIO
        // WebSocket echo server (and, for information, a bare Hummingbird WebSocket echo route), driven by the same
        // NIO client in the same process (round trip, pipelined throughput, many concurrent connections).
        .executableTarget(
            name: "WSBench",
            dependencies: [
                .product(name: "LMOSAgent", package: "swift-lmos"),
                .product(name: "LMOSBindings", package: "swift-lmos"),
                .product(name: "LMOSMessaging", package: "swift-lmos"),
                .product(name: "LMOSCore", package: "swift-lmos"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            path: "Benchmarks/WSBench"
        ),
        // DHT/dht-bench.sh: resolve-by-DID on a loopback DHT of our nodes and libtorrent's, next to libtorrent's own
        // dht_get_item in the same run; lookup hops from 50 to 400 nodes.
        .executableTarget(
            name: "DHTBench",
            dependencies: [
                .product(name: "LMOSDHT", package: "swift-lmos"),
                .product(name: "KRPC", package: "swift-lmos"),
                .product(name: "LMOSIdentity", package: "swift-lmos"),
                .product(name: "LMOSCore", package: "swift-lmos"),
            ],
            path: "Benchmarks/DHTBench"
        ),
        // MQTT/mqtt-bench.sh: our MQTT client's publish throughput next to mosquitto_pub's on the same broker, and an
        // LMOS action round trip through the broker next to the broker's own round trip.
        .executableTarget(
            name: "MQTTBench",
            dependencies: [
                .product(name: "MQTTNIO", package: "swift-lmos"),
                .product(name: "MQTTCore", package: "swift-lmos"),
                .product(name: "LMOSAgent", package: "swift-lmos"),
                .product(name: "LMOSBindings", package: "swift-lmos"),
                .product(name: "LMOSConsumer", package: "swift-lmos"),
                .product(name: "LMOSCore", package: "swift-lmos"),
            ],
            path: "Benchmarks/MQTTBench"
        ),
    ]
)
