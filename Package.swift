// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-lmos",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LMOSCore", targets: ["LMOSCore"]),
        .library(name: "LMOSDescription", targets: ["LMOSDescription"]),
        .executable(name: "lmos", targets: ["lmos"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Lossless JSON value, JSON and CBOR codecs, JCS, JSON Merge Patch. No dependencies.
        .target(name: "LMOSCore"),
        // Thing / Agent / Tool Descriptions: typed views, builder, validation.
        .target(name: "LMOSDescription", dependencies: ["LMOSCore"]),
        // The command-line tool: thin, delegates to the libraries.
        .executableTarget(
            name: "lmos",
            dependencies: [
                "LMOSCore",
                "LMOSDescription",
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
        // Runs the built `lmos` binary as a user would.
        .testTarget(name: "LMOSCLITests", dependencies: ["lmos", "LMOSCore", "LMOSTestSupport"]),
        // Interop with real peers (Python cbor2, jcs); needs python3 with those packages (scripts/test installs them).
        .testTarget(
            name: "LMOSInteropTests", dependencies: ["LMOSCore", "LMOSDescription", "LMOSTestSupport"],
            exclude: ["Scripts"]),
    ]
)
