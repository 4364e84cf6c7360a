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
    ]
)
