import ArgumentParser
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
            with --advertise it is announced on the local network (mDNS).

            Examples:
              lmos example agent --port 9000
              lmos call http://127.0.0.1:9000 chat --input '{"messages":[{"role":"user","content":"Hi"}]}'
              lmos example agent --port 0 --directory http://127.0.0.1:8080 --advertise
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
        let server = AgentServer(
            agents: [agent],
            configuration: AgentServerConfiguration(
                host: host, port: port, publicURL: publicURL, directories: directory,
                discoverDirectories: discoverDirectories, registrationTTL: ttl, advertise: advertise,
                interface: interface, dht: publishing, mqttBroker: mqtt, mqttCAFile: mqttCAFile),
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
