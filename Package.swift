// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-lmos",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LMOSCore", targets: ["LMOSCore"]),
        .library(name: "LMOSDescription", targets: ["LMOSDescription"]),
        .library(name: "LMOSIdentity", targets: ["LMOSIdentity"]),
        .library(name: "JSONPath", targets: ["JSONPath"]),
        .library(name: "LMOSDirectory", targets: ["LMOSDirectory"]),
        .library(name: "DirectoryStoreSQLite", targets: ["DirectoryStoreSQLite"]),
        .library(name: "LMOSDirectoryServer", targets: ["LMOSDirectoryServer"]),
        .library(name: "LMOSDirectoryClient", targets: ["LMOSDirectoryClient"]),
        .library(name: "DNSMessage", targets: ["DNSMessage"]),
        .library(name: "LMOSLocalDiscovery", targets: ["LMOSLocalDiscovery"]),
        .library(name: "LMOSConsumer", targets: ["LMOSConsumer"]),
        .library(name: "LMOSMessaging", targets: ["LMOSMessaging"]),
        .library(name: "LMOSBindings", targets: ["LMOSBindings"]),
        .library(name: "LMOSAgent", targets: ["LMOSAgent"]),
        .library(name: "KRPC", targets: ["KRPC"]),
        .library(name: "LMOSDHT", targets: ["LMOSDHT"]),
        .library(name: "MQTTCore", targets: ["MQTTCore"]),
        .library(name: "MQTTNIO", targets: ["MQTTNIO"]),
        .library(name: "LMOSTLS", targets: ["LMOSTLS"]),
        .library(name: "LMOSAuth", targets: ["LMOSAuth"]),
        .executable(name: "lmos", targets: ["lmos"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        // TLS for the MQTT client (already built for the WebSocket client, which depends on it).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Development certificates (`lmos dev-cert`); jwt-kit depends on it too.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // OAuth 2.0 bearer tokens: JWS verification (RS256, ES256, EdDSA) and JWKS documents.
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
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
        // JSONPath (RFC 9535) queries over JSON values. Pure.
        .target(name: "JSONPath", dependencies: ["LMOSCore"]),
        // The Thing Description Directory engine (WoT Discovery): operations, registration info, expiry, events,
        // search, over a store protocol; in-memory store. No HTTP.
        .target(
            name: "LMOSDirectory",
            dependencies: [
                "LMOSCore", "LMOSDescription", "LMOSIdentity",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The directory's embedded default store: one SQLite file (WAL, FTS5).
        .target(
            name: "DirectoryStoreSQLite",
            dependencies: [
                "LMOSCore", "LMOSDirectory",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The directory's HTTP API (WoT Discovery TDD API + LMOS search) on Hummingbird 2.
        .target(
            name: "LMOSDirectoryServer",
            dependencies: [
                "LMOSCore", "LMOSDescription", "LMOSDirectory", "JSONPath", "ServerSentEvents", "LMOSAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Talks to a directory: register, refresh, update, deregister, list, search, watch events.
        .target(
            name: "LMOSDirectoryClient",
            dependencies: [
                "LMOSCore", "LMOSDescription", "ServerSentEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // DNS messages as mDNS / DNS-SD use them (RFC 1035, 6762, 6763): names, records, compression. Pure.
        .target(name: "DNSMessage"),
        // Local network discovery: the mDNS responder and DNS-SD browser (RFC 6762 / 6763) as pure state
        // machines, on SwiftNIO UDP multicast.
        .target(
            name: "LMOSLocalDiscovery",
            dependencies: [
                "DNSMessage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // LMOS messages (both dialects), the action lifecycle, RFC 7807 problems, W3C trace context. Pure.
        .target(name: "LMOSMessaging", dependencies: ["LMOSCore"]),
        // The Server-Sent Events wire format: encoder and parser. Pure.
        .target(name: "ServerSentEvents"),
        // The transports an LMOS thing talks over: WebSocket (`lmosprotocol`) and HTTP (WoT HTTP binding, SSE), as
        // server routes on Hummingbird and as clients.
        .target(
            name: "LMOSBindings",
            dependencies: [
                "LMOSCore", "LMOSDescription", "LMOSMessaging", "ServerSentEvents", "MQTTCore", "MQTTNIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Bencode (BEP 3) and the DHT's KRPC messages (BEP 5, BEP 44, LMOS `lmos_who`). Pure.
        .target(name: "KRPC"),
        // MQTT 3.1.1 and 5.0: the packet codec, properties, topic rules (and the session state machine). Pure.
        .target(name: "MQTTCore"),
        // The MQTT client on SwiftNIO: connection, keep-alive timer, reconnect with back-off, message streams.
        .target(
            name: "MQTTNIO",
            dependencies: [
                "MQTTCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // TLS settings from PEM files (server, client with a CA file and client certificate) and development
        // certificates (a local CA and a server certificate) made with swift-certificates.
        .target(
            name: "LMOSTLS",
            dependencies: [
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // OAuth 2.0 and the WoT security schemes: bearer JWT verification against a JWKS (file or URL), scopes,
        // RFC 6750 challenges, the schemes a description declares and the credentials that satisfy them, the
        // client-credentials grant.
        .target(
            name: "LMOSAuth",
            dependencies: [
                "LMOSCore",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Decentralized discovery on the Mainline DHT: routing table, BEP 44 item store, lookups (pure), a node on
        // SwiftNIO UDP, and publishing / resolving signed descriptions.
        .target(
            name: "LMOSDHT",
            dependencies: [
                "KRPC", "LMOSCore", "LMOSIdentity",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Exposes an agent or tool: handlers in, description, bindings, registrations and advertisement out.
        .target(
            name: "LMOSAgent",
            dependencies: [
                "LMOSCore", "LMOSDescription", "LMOSMessaging", "LMOSBindings", "LMOSDirectoryClient",
                "LMOSLocalDiscovery", "LMOSIdentity", "KRPC", "LMOSDHT", "MQTTNIO", "LMOSAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Discovers and consumes descriptions: one Discovery API over every introduction.
        .target(
            name: "LMOSConsumer",
            dependencies: [
                "LMOSCore", "LMOSDescription", "LMOSMessaging", "LMOSBindings", "LMOSDirectoryClient",
                "LMOSLocalDiscovery",
                "KRPC", "LMOSDHT", "LMOSAuth",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command-line tool: thin, delegates to the libraries.
        .executableTarget(
            name: "lmos",
            dependencies: [
                "LMOSCore",
                "LMOSDescription",
                "LMOSIdentity",
                "LMOSDirectory",
                "DirectoryStoreSQLite",
                "LMOSDirectoryServer",
                "LMOSDirectoryClient",
                "LMOSLocalDiscovery",
                "LMOSConsumer",
                "LMOSMessaging",
                "LMOSAgent",
                "KRPC",
                "LMOSDHT",
                "LMOSAuth",
                "LMOSTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
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
        .testTarget(
            name: "JSONPathTests", dependencies: ["JSONPath", "LMOSCore", "LMOSTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LMOSDirectoryTests",
            dependencies: [
                "LMOSDirectory", "DirectoryStoreSQLite", "LMOSDescription", "LMOSIdentity", "LMOSCore",
                "LMOSTestSupport",
            ]
        ),
        // Black-box conformance: the real `lmos directory serve` on a loopback port with a real SQLite file,
        // one test per WoT Discovery `tdd-*` assertion.
        .testTarget(
            name: "LMOSDirectoryServerTests",
            dependencies: [
                "lmos", "LMOSCore", "LMOSDescription", "LMOSIdentity", "LMOSDirectoryClient", "LMOSTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "DNSMessageTests", dependencies: ["DNSMessage", "LMOSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LMOSLocalDiscoveryTests", dependencies: ["LMOSLocalDiscovery", "DNSMessage"]),
        // mDNS against real peers (python-zeroconf, Avahi) and end to end with the CLI; multicast, so these run only
        // inside a private network namespace (scripts/netns-run).
        .testTarget(name: "LMOSMessagingTests", dependencies: ["LMOSMessaging", "LMOSCore"]),
        .testTarget(
            name: "LMOSAgentTests",
            dependencies: [
                "lmos", "LMOSAgent", "LMOSBindings", "LMOSConsumer", "LMOSMessaging", "LMOSDescription", "LMOSCore",
                "LMOSDirectoryClient", "LMOSTestSupport", "MQTTCore", "MQTTNIO",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Peers"]
        ),
        .testTarget(
            name: "LMOSLocalNetworkTests",
            dependencies: [
                "lmos", "LMOSLocalDiscovery", "LMOSConsumer", "LMOSDirectoryClient", "DNSMessage", "LMOSCore",
                "LMOSDescription", "LMOSTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Peers"]
        ),
        .testTarget(
            name: "LMOSDHTTests",
            dependencies: [
                "lmos", "KRPC", "LMOSDHT", "LMOSIdentity", "LMOSCore", "LMOSTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Peers"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "MQTTCoreTests", dependencies: ["MQTTCore", "LMOSTestSupport"]),
        // Bearer JWTs (minted here with jwt-kit), JWKS handling, the security schemes' gate and credentials.
        .testTarget(
            name: "LMOSAuthTests",
            dependencies: [
                "LMOSAuth", "LMOSCore", "LMOSTestSupport", .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        // TLS and OAuth 2.0 end to end: the real `lmos` directory and agent with a Python authorization server
        // (Peers/oauth_server.py, PyJWT) and Python TLS clients (requests, websockets).
        .testTarget(
            name: "LMOSSecurityTests",
            dependencies: [
                "lmos", "LMOSAuth", "LMOSConsumer", "LMOSBindings", "LMOSCore", "LMOSTestSupport", "LMOSAgent",
                "LMOSDescription", "LMOSDirectoryClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["Peers"]
        ),
        // Development certificates checked by openssl and by a TLS handshake.
        .testTarget(
            name: "LMOSTLSTests",
            dependencies: [
                "LMOSTLS", "LMOSTestSupport",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The MQTT client against a real mosquitto broker (Debian's; scripts/test installs it).
        .testTarget(name: "MQTTNIOTests", dependencies: ["MQTTNIO", "MQTTCore", "LMOSTestSupport"]),
        // Runs the built `lmos` binary as a user would.
        .testTarget(name: "LMOSCLITests", dependencies: ["lmos", "LMOSCore", "LMOSTestSupport"]),
        // Interop with real peers (Python cbor2, jcs); needs python3 with those packages (scripts/test installs them).
        .testTarget(
            name: "LMOSInteropTests",
            dependencies: ["lmos", "LMOSCore", "LMOSDescription", "LMOSIdentity", "LMOSTestSupport"],
            exclude: ["Scripts"]),
    ]
)
