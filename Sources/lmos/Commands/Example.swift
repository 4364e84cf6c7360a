import ArgumentParser
import AsyncHTTPClient
import LMOSAuth
import KRPC
import LMOSAgent
import LMOSBindings
import LMOSCore
import LMOSIdentity
import Logging

struct Example: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run example programs.", subcommands: [ExampleAgent.self])
}

struct ExampleAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the example agent (chat, chat-stream, persona, conversations, messageReceived) until Ctrl-C.",
        discussion: """
            Serves HTTP and WebSocket (sub-protocol lmosprotocol, at /ws) on one port; its description, with a form
            for each transport on every affordance, is at /.well-known/wot and at /{id}. Prints the description URL.
            With --directory it registers in that directory (renewed before the TTL runs out, removed at Ctrl-C);
            with --advertise it is announced on the local network (mDNS). With --tls-cert/--tls-key it serves https
            and wss; with --auth its description declares that scheme and every interaction must satisfy it (the
            description itself stays readable). Credentials for directories (--token, --client-id) go to the
            --directory URLs only, never to directories found on the network.

            Examples:
              lmos example agent --port 9000
              lmos call http://127.0.0.1:9000 chat --input '{"messages":[{"role":"user","content":"Hi"}]}'
              lmos example agent --port 0 --directory http://127.0.0.1:8080 --advertise
              lmos example agent --tls-cert certs/cert.pem --tls-key certs/key.pem --auth basic --credential ann:s3cret
              lmos example agent --auth oauth2 --jwks https://idp.example/jwks.json --issuer https://idp.example \
                  --audience lmos-agents --auth-token-url https://idp.example/token --auth-scope lmos:read
            """)

    @Option(help: "The port (0: any free port).")
    var port: Int = 9000

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .customLong("public-url"), help: "The origin the forms name, when it is not http://HOST:PORT.")
    var publicURL: String?

    @Option(help: "A directory to register in (repeatable).")
    var directory: [String] = []

    @Flag(name: .customLong("discover-directories"), help: "Also register in directories found on the local network.")
    var discoverDirectories = false

    @Option(help: "The registration's time-to-live in seconds.")
    var ttl: Double = 60

    @Flag(help: "Advertise the agent on the local network (DNS-SD over mDNS).")
    var advertise = false

    @Option(help: "The network interface for mDNS (default: every multicast-capable one).")
    var interface: String?

    @Option(help: "The agent's id (default: a new urn:uuid).")
    var id: String?

    @Option(help: "A DHT node to join (HOST:PORT, IPv4) to publish the signed description on; repeatable (needs --key).")
    var dht: [String] = []

    @Option(help: "The key file that signs the description published on the DHT (lmos identity new).")
    var key: String?

    @Option(help: "An MQTT broker (mqtt://HOST[:PORT] or mqtts://) to expose the agent through too (MQTT forms, topics lmos/{id}/...).")
    var mqtt: String?

    @Option(name: .customLong("mqtt-ca-file"), help: "For an mqtts:// broker: the CA (PEM) to verify it with instead of the system's.")
    var mqttCAFile: String?

    @OptionGroup(title: "TLS") var tls: ServerTLSOptions

    @Option(help: "The security the agent declares and enforces: nosec, basic, bearer, apikey or oauth2.")
    var auth = "nosec"

    @Option(help: "basic: USER:PASSWORD; bearer: a token; apikey: a key (repeatable).")
    var credential: [String] = []

    @Option(name: .customLong("api-key-name"), help: "apikey: the header that carries the key.")
    var apiKeyName = "X-API-Key"

    @OptionGroup(title: "Bearer JWTs (--auth oauth2)") var jwt: JWTOptions

    @Option(name: .customLong("auth-token-url"), help: "oauth2: the token endpoint the description names (client-credentials flow).")
    var authTokenURL: String?

    @Option(name: .customLong("auth-scope"), help: "oauth2: a scope every interaction needs (repeatable).")
    var authScope: [String] = []

    @OptionGroup(title: "Credentials for the directories (--directory)") var directoryCredentials: DirectoryCredentialOptions

    @OptionGroup(title: "TLS for the directories and the JWKS") var clientTLS: ClientTLSOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard ttl >= 1 else { throw ValidationError("--ttl must be at least 1 second") }
        for url in directory where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--directory must be an http:// or https:// URL, not '\(url)'")
        }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw ValidationError("--public-url must be an http:// or https:// URL")
        }
        guard dht.isEmpty == (key == nil) else { throw ValidationError("--dht and --key go together") }
        if let mqtt, MQTTBrokerURL.endpoint(mqtt) == nil {
            throw ValidationError("--mqtt must be an mqtt://HOST[:PORT] or mqtts://HOST[:PORT] URL, not '\(mqtt)'")
        }
        for node in dht where NodeEndpoint(node) == nil { throw ValidationError("'\(node)' is not an IPv4 HOST:PORT") }
        if interface != nil, !advertise, !discoverDirectories {
            throw ValidationError("--interface needs --advertise or --discover-directories")
        }
        switch auth {
        case "nosec":
            guard credential.isEmpty else { throw ValidationError("--credential needs --auth") }
        case "basic":
            guard !credential.isEmpty, credential.allSatisfy({ $0.contains(":") }) else {
                throw ValidationError("--auth basic needs --credential USER:PASSWORD (repeatable)")
            }
        case "bearer", "apikey":
            guard !credential.isEmpty else { throw ValidationError("--auth \(auth) needs --credential (repeatable)") }
        case "oauth2":
            try jwt.require(for: "--auth oauth2", service: "agent")
        default:
            throw ValidationError("--auth must be nosec, basic, bearer, apikey or oauth2, not '\(auth)'")
        }
        if auth != "nosec", mqtt != nil {
            // The broker's own authentication guards MQTT forms; the agent cannot check credentials there.
            throw ValidationError("--mqtt cannot be combined with --auth: secure the broker (users, TLS) and expose the agent there without --auth")
        }
        if auth != "oauth2", jwt.isSet || authTokenURL != nil || !authScope.isEmpty {
            throw ValidationError("--jwks, --issuer, --audience, --auth-token-url and --auth-scope go with --auth oauth2")
        }
    }

    /// The agent's security from the options (nil: nosec); a bad JWKS exits 1.
    func security(httpClient: HTTPClient) async throws -> AgentSecurity? {
        switch auth {
        case "basic":
            var users: [String: String] = [:]
            for pair in credential {
                guard let colon = pair.firstIndex(of: ":") else { continue }
                users[String(pair[..<colon])] = String(pair[pair.index(after: colon)...])
            }
            return .basic(users: users)
        case "bearer":
            return .bearer(tokens: Dictionary(credential.enumerated().map { ($1, "token-\($0 + 1)") }, uniquingKeysWith: { a, _ in a }))
        case "apikey":
            return .apiKey(Dictionary(credential.enumerated().map { ($1, "key-\($0 + 1)") }, uniquingKeysWith: { a, _ in a }), in: .header, name: apiKeyName)
        case "oauth2":
            let verifier = try await jwt.verifier(httpClient: httpClient)
            return .oauth2(verifier: verifier, tokenURL: authTokenURL, scopes: authScope)
        default:
            return nil
        }
    }

    func run() async throws {
        bootstrapQuietLogging()
        let agent = Agent.example(id: id ?? UUIDv4.randomURN())
        var publishing: DHTPublishing?
        if let key {
            let keyPair: Ed25519KeyPair
            do {
                keyPair = try Ed25519KeyPair(contentsOfFile: key)
            } catch {
                printError("\(key): \(error)")
                throw ExitCode(2)
            }
            let bootstrap = dht.compactMap { NodeEndpoint($0) }
            let loopback = bootstrap.allSatisfy { $0.address >> 24 == 127 }
            publishing = DHTPublishing(bootstrap: bootstrap, key: keyPair, host: loopback ? "127.0.0.1" : "0.0.0.0")
        }
        let tls = try self.tls.configuration()
        let httpClient = ProcessClients.keep(try clientTLS.httpClient())
        let server = AgentServer(
            agents: [agent],
            configuration: AgentServerConfiguration(
                host: host, port: port, publicURL: publicURL, directories: directory,
                discoverDirectories: discoverDirectories, registrationTTL: ttl, advertise: advertise,
                interface: interface, dht: publishing, mqttBroker: mqtt, mqttCAFile: mqttCAFile, tls: tls,
                security: try await security(httpClient: httpClient),
                directoryCredentials: directoryCredentials.credentials(httpClient: httpClient),
                directoryHTTPClient: httpClient),
            logger: Logger(label: "lmos.example"))
        do {
            try await server.run(onNotice: { notice in
                switch notice {
                case .registered(let directory, let id): print("registered \(id) in \(directory)")
                case .deregistered(let directory, let id): print("deregistered \(id) from \(directory)")
                case .registrationFailed(let directory, let reason): printError("registration in \(directory) failed: \(reason)")
                case .advertised(let name): print("advertised as \"\(name)\" (_wot._tcp)")
                case .advertisingFailed(let reason): printError("cannot advertise: \(reason)")
                case .directoryFound(let url): print("found directory \(url)")
                case .publishedOnDHT(let did, let pointer): print("published on the DHT as \(did) (pointer \(pointer))")
                case .dhtFailed(let reason): printError("DHT: \(reason)")
                case .exposedOnMQTT(let broker): print("exposed through MQTT broker \(broker)")
                case .mqttFailed(let reason): printError("MQTT: \(reason)")
                }
                flushStandardOutput()
            }) { ready in
                print("lmos example agent listening on \(ready.origin)")
                print("description: \(ready.descriptionURLs[0])")
                print("websocket: \(ready.webSocketURL)")
                flushStandardOutput()
            }
        } catch {
            printError("the agent stopped: \(error)")
            throw ExitCode(1)
        }
    }
}
