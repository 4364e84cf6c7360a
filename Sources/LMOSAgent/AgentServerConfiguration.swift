import AsyncHTTPClient
import KRPC
import LMOSAuth
import LMOSBindings
import LMOSIdentity
import NIOSSL

/// Publishing an agent's description on the Mainline DHT (PROTOCOL.md 5).
public struct DHTPublishing: Sendable {
    /// Nodes to join through.
    public var bootstrap: [NodeEndpoint]
    /// The key that signs the descriptions and the BEP 44 records (its did:key is the agent's DID).
    public var key: Ed25519KeyPair
    /// The address and UDP port of the agent's DHT node (0: any free port).
    public var host: String
    public var port: Int

    public init(bootstrap: [NodeEndpoint], key: Ed25519KeyPair, host: String = "0.0.0.0", port: Int = 0) {
        self.bootstrap = bootstrap
        self.key = key
        self.host = host
        self.port = port
    }
}

/// How an ``AgentServer`` listens, which bindings it offers, and where it makes its agents known.
public struct AgentServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port (0: any free one).
    public var port: Int
    /// The origin that forms name (`http://agent.example:8080`), when clients reach the server by another name than
    /// `host:port` (behind a proxy, or listening on `0.0.0.0`).
    public var publicURL: String?
    /// Whether descriptions get HTTP binding forms (the routes are served either way).
    public var http: Bool
    /// Whether descriptions get WebSocket (`lmosprotocol`) forms.
    public var webSocket: Bool
    /// The WebSocket endpoint's path.
    public var webSocketPath: String
    /// Message sizes, concurrent invocations, subscriptions, pings.
    public var limits: BindingLimits
    /// Directories to register in (base URLs), kept registered with ``registrationTTL`` until shutdown.
    public var directories: [String]
    /// Also register in every directory found on the local network by mDNS (`_directory._sub._wot._tcp`).
    public var discoverDirectories: Bool
    /// The registrations' time-to-live in seconds; they are renewed at half of it.
    public var registrationTTL: Double
    /// Advertise each agent on the local network (`_wot._tcp`).
    public var advertise: Bool
    /// The network interface for mDNS (nil: every multicast-capable one).
    public var interface: String?
    /// Publish each agent's description, signed, on the DHT while the server runs: the first agent under the key's
    /// DID (salt `lmos-td`), others under `lmos-td:<agent id>`; capabilities and types announced; re-published
    /// hourly.
    public var dht: DHTPublishing?
    /// An MQTT broker (`mqtt://host[:port]`) to expose the agents through as well: their descriptions get MQTT
    /// forms, action requests are answered there, events and property readings are published there.
    public var mqttBroker: String?
    /// For an `mqtts://` broker: the CA file its certificate is verified against (default: the system's roots).
    public var mqttCAFile: String?
    /// TLS for the HTTP and WebSocket server: forms name `https://` and `wss://`.
    public var tls: TLSConfiguration?
    /// The security the agents declare and the server enforces (nil: `nosec`).
    public var security: AgentSecurity?
    /// What the server presents to the directories it registers in: a bearer token, or client credentials for
    /// the OAuth 2.0 client-credentials grant.
    public var directoryCredentials: Credentials
    /// The HTTP client for directories (its TLS settings: a custom CA for `https` directories); nil: the shared one.
    public var directoryHTTPClient: HTTPClient?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, http: Bool = true, webSocket: Bool = true,
        webSocketPath: String = "/ws", limits: BindingLimits = .init(), directories: [String] = [],
        discoverDirectories: Bool = false, registrationTTL: Double = 60, advertise: Bool = false, interface: String? = nil,
        dht: DHTPublishing? = nil, mqttBroker: String? = nil, mqttCAFile: String? = nil, tls: TLSConfiguration? = nil,
        security: AgentSecurity? = nil, directoryCredentials: Credentials = .none, directoryHTTPClient: HTTPClient? = nil
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.http = http
        self.webSocket = webSocket
        self.webSocketPath = webSocketPath
        self.limits = limits
        self.directories = directories
        self.discoverDirectories = discoverDirectories
        self.registrationTTL = registrationTTL
        self.advertise = advertise
        self.interface = interface
        self.dht = dht
        self.mqttBroker = mqttBroker
        self.mqttCAFile = mqttCAFile
        self.tls = tls
        self.security = security
        self.directoryCredentials = directoryCredentials
        self.directoryHTTPClient = directoryHTTPClient
    }

}
