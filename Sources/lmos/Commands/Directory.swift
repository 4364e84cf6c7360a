import ArgumentParser
import AsyncHTTPClient
import DirectoryStoreSQLite
import LMOSAuth
import LMOSTLS
import LMOSCore
import LMOSDirectory
import LMOSDirectoryServer
import LMOSLocalDiscovery
import Logging
import Synchronization

struct Directory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a WoT Thing Description Directory for agents and tools.",
        subcommands: [Serve.self]
    )
}

extension Directory {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the directory's HTTP API until Ctrl-C (SIGINT) or SIGTERM.",
            discussion: """
                The W3C WoT Discovery directory API at /things (register, update, patch, delete, list), change
                events at /events (Server-Sent Events), JSONPath search at /search/jsonpath, LMOS search at
                /search/lmos and the directory's own description at /.well-known/wot. Descriptions are kept in one
                SQLite file by default; every write is on disk before it is acknowledged. Prints the URL once it
                listens and one log line per request (on standard error).

                Examples:
                  lmos directory serve
                  lmos directory serve --port 9000 --store sqlite:/var/lib/lmos/directory.sqlite --max-ttl 3600
                  lmos directory serve --store memory --port 0
                  lmos directory serve --host 0.0.0.0 --advertise --interface eth0

                With --advertise the directory announces itself on the local network with DNS-SD over multicast
                DNS (_wot._tcp and _directory._sub._wot._tcp, TXT td=/.well-known/wot type=Directory scheme=http)
                once it listens, and sends a goodbye when it stops.

                Security (PROTOCOL.md 7):
                  lmos dev-cert --host localhost --host 127.0.0.1 --out certs
                  lmos directory serve --tls-cert certs/cert.pem --tls-key certs/key.pem
                  lmos directory serve --auth jwt --jwks https://idp.example/jwks.json --issuer https://idp.example \
                      --audience lmos-directory --public-read
                With --auth jwt every request needs a bearer JWT (RS256, ES256 or EdDSA) signed by a key of the JWKS,
                from --issuer, for --audience: reads need scope lmos:read (none with --public-read), writes
                lmos:write; a description belongs to the token's sub that registered it (or the DID that signed
                it) and only its owner or a token with lmos:admin may replace, patch or delete it.
                Per-client limits (by IP address; loopback clients exempt unless --limit-loopback): --rate-limit
                requests per second, --max-event-streams open event streams; idle connections close after
                --idle-timeout, bodies must arrive within --body-timeout.
                """
        )

        @Option(help: "The address to listen on (0.0.0.0 for every interface).")
        var host = "127.0.0.1"

        @Option(help: "The TCP port (0: any free port).")
        var port = 8080

        @Option(help: "Where descriptions are kept: sqlite:PATH or memory.")
        var store = "sqlite:./lmos-directory.sqlite"

        @Option(name: .customLong("max-ttl"), help: "The longest registration in seconds; registrations without a ttl get it.")
        var maxTTL: Double?

        @Option(name: .customLong("public-url"), help: "The URL clients use to reach the directory (base of its own description).")
        var publicURL: String?

        @Option(name: .customLong("max-body-size"), help: "The largest request body in bytes.")
        var maxBodySize = 4 * 1024 * 1024

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel = "info"

        @Flag(help: "Advertise the directory on the local network (DNS-SD over multicast DNS).")
        var advertise = false

        @Option(help: "The network interface to advertise on (default: every multicast-capable one).")
        var interface: String?

        @Option(name: .customLong("advertise-name"), help: "The DNS-SD instance name to advertise.")
        var advertiseName = "LMOS Directory"

        @OptionGroup(title: "TLS") var tls: ServerTLSOptions

        @Option(help: "Authentication: none or jwt (bearer JWTs checked against --jwks).")
        var auth = "none"

        @OptionGroup(title: "Bearer JWTs (--auth jwt)") var jwt: JWTOptions

        @Flag(name: .customLong("public-read"), help: "Reads (list, retrieve, search, events) need no token.")
        var publicRead = false

        @Option(name: .customLong("token-url"), help: "The authorization server's token endpoint, declared in the directory's description.")
        var tokenURL: String?

        @Option(name: .customLong("ca-file"), help: "A CA (PEM) to trust when fetching an https JWKS.")
        var caFile: String?

        @Option(name: .customLong("rate-limit"), help: "Requests per second one client may make on average (0: no limit).")
        var rateLimit = 100.0

        @Option(name: .customLong("rate-burst"), help: "Requests one client may make at once (default: twice --rate-limit).")
        var rateBurst: Double?

        @Option(name: .customLong("max-event-streams"), help: "Event streams one client may hold open (0: no limit).")
        var maxEventStreams = 16

        @Flag(name: .customLong("limit-loopback"), help: "Apply the per-client limits to loopback clients too.")
        var limitLoopback = false

        @Option(
            name: .customLong("trusted-proxy"),
            help: "A reverse proxy's address (repeatable): its X-Forwarded-For names the client the limits count.")
        var trustedProxy: [String] = []

        @Option(name: .customLong("idle-timeout"), help: "Seconds before an idle connection is closed.")
        var idleTimeout = 60.0

        @Option(name: .customLong("body-timeout"), help: "Seconds a client has to send a request body.")
        var bodyTimeout = 30.0

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            switch auth {
            case "none":
                if jwt.isSet || publicRead || tokenURL != nil {
                    throw ValidationError("--jwks, --issuer, --audience, --public-read and --token-url need --auth jwt")
                }
            case "jwt":
                try jwt.require(for: "--auth jwt", service: "directory")
            default:
                throw ValidationError("--auth must be none or jwt, not '\(auth)'")
            }
            guard rateLimit == 0 || (rateLimit >= 0.001 && rateLimit <= 1_000_000) else {
                throw ValidationError("--rate-limit must be 0 (no limit) or 0.001 to 1000000 requests per second")
            }
            if let rateBurst, !(1...10_000_000).contains(rateBurst) { throw ValidationError("--rate-burst must be 1 to 10000000") }
            if rateBurst != nil, rateLimit == 0 { throw ValidationError("--rate-burst needs --rate-limit above 0") }
            guard maxEventStreams >= 0 else { throw ValidationError("--max-event-streams must be 0 or more") }
            guard (0.1...86_400).contains(idleTimeout), (0.1...86_400).contains(bodyTimeout) else {
                throw ValidationError("--idle-timeout and --body-timeout must be 0.1 to 86400 seconds")
            }
            for address in trustedProxy where !DirectoryServer.isIPAddress(address) {
                throw ValidationError("--trusted-proxy must be an IP address, not '\(address)'")
            }
            if caFile != nil, auth != "jwt" { throw ValidationError("--ca-file (the CA of an https JWKS) needs --auth jwt") }
            if let maxTTL, !(maxTTL > 0) { throw ValidationError("--max-ttl must be a number of seconds above 0") }
            guard maxBodySize > 0 else { throw ValidationError("--max-body-size must be above 0") }
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
            if interface != nil, !advertise { throw ValidationError("--interface needs --advertise") }
            guard !advertiseName.isEmpty, advertiseName.utf8.count <= 63 else {
                throw ValidationError("--advertise-name must be 1 to 63 bytes long")
            }
            guard store == "memory" || (store.hasPrefix("sqlite:") && store.count > 7) else {
                throw ValidationError("--store must be sqlite:PATH or memory, not '\(store)'")
            }
        }

        func run() async throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "lmos.directory")
            let descriptionStore: any DescriptionStore
            if store == "memory" {
                descriptionStore = InMemoryDescriptionStore()
            } else {
                let path = String(store.dropFirst("sqlite:".count))
                do {
                    descriptionStore = try await SQLiteDescriptionStore.open(path: path, logger: logger)
                } catch {
                    printError("cannot open the store: \(error)")
                    throw ExitCode(1)
                }
            }
            let tls = try self.tls.configuration()
            var jwksClient: HTTPClient?
            var accessControl: DirectoryAccessControl?
            if auth == "jwt" {
                if let caFile {
                    do {
                        var configuration = HTTPClient.Configuration()
                        configuration.tlsConfiguration = try TLSFiles.client(caFile: caFile)
                        jwksClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                    } catch {
                        printError(error.description)
                        throw ExitCode(2)
                    }
                }
                let verifier: BearerTokenVerifier
                do {
                    verifier = try await jwt.verifier(httpClient: jwksClient ?? .shared)
                } catch {
                    try? await jwksClient?.shutdown()
                    throw error
                }
                accessControl = DirectoryAccessControl(verifier: verifier, publicRead: publicRead, tokenURL: tokenURL)
            }
            let directory = ThingDirectory(
                store: descriptionStore, configuration: DirectoryConfiguration(maximumTTL: maxTTL), logger: logger)
            let server = DirectoryServer(
                directory: directory,
                configuration: DirectoryServerConfiguration(
                    host: host, port: port, maximumBodySize: maxBodySize, publicURL: publicURL,
                    requestsPerSecondPerClient: rateLimit > 0 ? rateLimit : nil, requestBurstPerClient: rateBurst,
                    maximumEventStreamsPerClient: maxEventStreams > 0 ? maxEventStreams : nil,
                    limitsExemptLoopback: !limitLoopback, trustedProxies: trustedProxy, idleTimeout: idleTimeout,
                    bodyTimeout: bodyTimeout),
                tls: tls, accessControl: accessControl,
                logger: logger)
            let security = accessControl == nil ? "" : ", auth jwt" + (publicRead ? ", public read" : "")
            let storeName = store
            let advertiser = advertise ? DirectoryAdvertiser(name: advertiseName, interface: interface, logger: logger) : nil
            do {
                try await server.run { url in
                    print("lmos directory listening on \(url) (store \(storeName)\(security))")
                    flushStandardOutput()
                    await advertiser?.start(url: url)
                }
            } catch {
                await advertiser?.stop()
                await directory.shutdown()
                try? await jwksClient?.shutdown()
                printError("the directory stopped: \(error)")
                throw ExitCode(1)
            }
            await advertiser?.stop()
            try? await jwksClient?.shutdown()
        }
    }
}

/// Advertises a running directory on the local network and says goodbye when it stops.
final class DirectoryAdvertiser: Sendable {
    let name: String
    let interface: String?
    let logger: Logger
    private let responder = Mutex<MulticastDNS?>(nil)

    init(name: String, interface: String?, logger: Logger) {
        self.name = name
        self.interface = interface
        self.logger = logger
    }

    /// Starts advertising the directory listening at `url`; a failure is reported and the directory keeps running.
    func start(url: String) async {
        guard let target = ServiceURL(url) else { return }
        if url.contains("://127.") || url.contains("://[::1]") || url.contains("://localhost") {
            printError("note: the directory listens on loopback only; use --host 0.0.0.0 so that others can reach it")
        }
        do {
            let mdns = try await MulticastDNS.start(interfaces: InterfaceSelection(interface), logger: logger)
            responder.withLock { $0 = mdns }
            let advertisement = try await mdns.advertise(
                .wot(name: name, port: target.port, descriptionPath: "/.well-known/wot", isDirectory: true, scheme: target.scheme))
            print("lmos directory advertised as \"\(advertisement.name)\" (_directory._sub._wot._tcp)")
            flushStandardOutput()
        } catch {
            printError("cannot advertise the directory: \(error)")
        }
    }

    /// Sends the goodbye and closes the mDNS sockets.
    func stop() async {
        let mdns = responder.withLock { value in
            defer { value = nil }
            return value
        }
        await mdns?.shutdown()
    }
}
