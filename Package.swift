// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-lmos",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LMOSCore", targets: ["LMOSCore"]),
        .library(name: "LMOSDescription", targets: ["LMOSDescription"]),
        .library(name: "LMOSIdentity", targets: ["LMOSIdentity"]),
        .executable(name: "lmos", targets: ["lmos"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Lossless JSON value, JSON and CBOR codecs, JCS, JSON Merge Patch. No dependencies.
        .target(name: "LMOSCore"),
        // Thing / Agent / Tool Descriptions: typed views, builder, validation.
        .target(name: "LMOSDescription", dependencies: ["LMOSCore"]),
        // Ed25519 keys, did:key, did:web, eddsa-jcs-2022 Data Integrity proofs over descriptions.
        .target(
            name: "LMOSIdentity",
            dependencies: [
                "LMOSCore",
                "LMOSDescription",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The command-line tool: thin, delegates to the libraries.
        .executableTarget(
            name: "lmos",
            dependencies: [
                "LMOSCore",
                "LMOSDescription",
                "LMOSIdentity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: seeded random JSON values, running processes (the CLI, real peers).
        .target(name: "LMOSTestSupport", dependencies: ["LMOSCore"], path: "Tests/LMOSTestSupport"),
        .testTarget(
            name: "LMOSCoreTests", dependencies: ["LMOSCore", "LMOSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LMOSDescriptionTests",
            dependencies: ["LMOSDescription", "LMOSCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LMOSIdentityTests",
            dependencies: ["LMOSIdentity", "LMOSDescription", "LMOSCore", "LMOSTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // Runs the built `lmos` binary as a user would.
        .testTarget(name: "LMOSCLITests", dependencies: ["lmos", "LMOSCore", "LMOSTestSupport"]),
        // Interop with real peers (Python cbor2, jcs); needs python3 with those packages (scripts/test installs them).
        .testTarget(
            name: "LMOSInteropTests",
            dependencies: ["lmos", "LMOSCore", "LMOSDescription", "LMOSIdentity", "LMOSTestSupport"],
            exclude: ["Scripts"]),
    ]
)
